"""Allocation churn per thread: build ``[j*j for j in range(100)]`` lists, keep the last 100.

Isolates: the allocator and deallocator (list objects, their item arrays, int objects above
the small-int cache) plus the list-comprehension bytecode that fills them. Held constant: a
sliding window of 100 live lists per thread (so the live heap is small and steady, and every
new list frees the one built 100 steps earlier), all objects private to the thread that
created them. Each list's last item is added to a per-thread total (one subscript and one
add per 100-item list, well under 1 % of an operation), so check() verifies that every list
was built, not only the last: the total must be ``size * 99**2``, and every list left in
the window must be ``[j*j for j in range(100)]``.

Hot objects: none made in advance: every list and int is made and freed by the looping
thread itself.

Scaling: weak (each thread builds ``size`` lists).
Operation: one 100-element list built (and, in steady state, one old list freed); ops =
threads * size.

Expected: on GIL builds time grows about linearly with threads (the GIL serialises
execution; pymalloc is itself protected by the GIL). On free-threaded builds (GIL disabled)
allocation goes through mimalloc with per-thread heaps and every object here is owned by its
creating thread (biased reference counting's non-atomic local path), so time should stay
near flat up to the core count; the 1-thread time is higher than on the GIL build (3.13t:
specialisation disabled, mimalloc instead of pymalloc, larger object headers). 3.14t enables
specialisation in the free-threaded build, which narrows the 1-thread gap; the allocation
and ownership behaviour is unchanged. Not measured on 3.14 or 3.15 here.
"""
from .. import _shared

WINDOW = 100
WIDTH = 100


def _kernel(n):
    window = [None] * WINDOW
    total = 0
    for k in range(n):
        row = [j * j for j in range(WIDTH)]
        window[k % WINDOW] = row
        total += row[-1]  # op
    return window, total


class MemoryBaseline(_shared.PerThreadResults):
    tags = ("baseline", "memory", "allocation")
    sizes = {"default": 40_000, "quick": 1_600}
    op_name = "list built"
    mismatch = "thread {t}: {got}"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)

    def check(self):
        row = [j * j for j in range(WIDTH)]
        for t, result in enumerate(self.results):
            if result is None:
                return "thread %d did not finish" % t
            window, total = result
            if total != self.size * row[-1]:
                return "thread %d: last items sum to %r, expected %d" % (t, total, self.size * row[-1])
            built = [w for w in window if w is not None]
            if len(built) != min(self.size, WINDOW) or any(w != row for w in built):
                return "thread %d: the window does not hold the last lists built" % t
        return None


WORKLOAD = MemoryBaseline
