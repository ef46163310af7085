"""Allocation churn per thread: build ``[j*j for j in range(100)]`` lists, keep the last 100.

Isolates: the allocator and deallocator (list objects, their item arrays, int objects above
the small-int cache) plus the list-comprehension bytecode that fills them. Held constant: a
sliding window of 100 live lists per thread (so the live heap is small and steady, and every
new list frees the one built 100 steps earlier), all objects private to the thread that
created them.

Scaling: weak (each thread builds ``size`` lists).
Operation: one 100-element list built (and, in steady state, one old list freed).

Expected: on GIL builds (3.12, 3.13) time grows about linearly with threads (GIL serialises
execution; pymalloc is itself protected by the GIL). On the free-threaded build (3.13t)
allocation goes through mimalloc with per-thread heaps and every object here is owned by
its creating thread (biased reference counting's non-atomic local path), so time should stay
near flat up to the core count; the 1-thread time is higher than on the GIL builds
(specialisation disabled in 3.13t, mimalloc instead of pymalloc, larger object headers).
"""
from .. import _shared

WINDOW = 100
WIDTH = 100


def _kernel(n):
    window = [None] * WINDOW
    for k in range(n):
        window[k % WINDOW] = [j * j for j in range(WIDTH)]
    return window


class MemoryBaseline(_shared.PerThreadResults):
    tags = ("baseline", "memory", "allocation")
    sizes = {"default": 40_000, "quick": 1_600}
    op_name = "list built"
    mismatch = "thread {t}: last list built is wrong"

    def run_thread(self, index):
        window = _kernel(self.size)
        self.results[index] = window[(self.size - 1) % WINDOW]

    def expected_results(self):
        return [[j * j for j in range(WIDTH)]] * self.threads


WORKLOAD = MemoryBaseline
