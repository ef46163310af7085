"""Pure-Python CPU contention: every thread computes ``sum(i*i for i < size)`` with an explicit loop.

Isolates: how much N CPU-bound Python threads get done at once, i.e. what the GIL costs.
Held constant: identical integer work in every thread, thread-private locals only, no
shared objects touched in the loop, no locks, no I/O.

Scaling: weak (each thread does ``size`` multiply-adds).
Operation: one ``total += i * i`` step.

Expected: on GIL builds (3.12, 3.13) only one thread executes bytecode at a time, so N
threads take ~N x the 1-thread time, plus GIL hand-off overhead every switch interval
(5 ms; futex waits and context switches rise with N). On the free-threaded build (3.13t)
the threads run truly in parallel, so time stays near flat up to the core count (slower
per thread than 3.12: no specialisation in 3.13t, and large ints are allocated from
per-thread mimalloc heaps), then grows once threads outnumber cores.
"""
from .. import _shared


def _kernel(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


class GilContention(_shared.PerThreadResults):
    tags = ("gil", "cpu")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "multiply-add"
    mismatch = "thread {t} computed {got!r}, expected {want!r}"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)

    def expected_results(self):
        n = self.size
        return [(n - 1) * n * (2 * n - 1) // 6] * self.threads


WORKLOAD = GilContention
