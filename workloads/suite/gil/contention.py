"""Pure-Python CPU contention: every thread computes ``sum(i*i for i < size)`` with an explicit loop.

Isolates: how much N CPU-bound Python threads get done at once, i.e. what the GIL costs.
Held constant: identical integer work in every thread, thread-private locals only, no
shared objects touched in the loop, no locks, no I/O. check() verifies every thread's sum
exactly (every product is folded into it).

Hot objects: none made in advance: the ints are made and freed by the looping thread itself.

Scaling: weak (each thread does ``size`` multiply-adds).
Operation: one ``total += i * i`` step; ops = threads * size.

Expected: on GIL builds only one thread executes bytecode at a time, so N threads take ~N x
the 1-thread time, plus GIL hand-off overhead every switch interval (5 ms; futex waits and
context switches rise with N). The same holds for a free-threaded build run with the GIL
enabled (PYTHON_GIL=1 or -X gil=1, or an extension that re-enabled it; the harness reports
the GIL state it saw). On free-threaded builds with the GIL disabled the threads run truly
in parallel, so time stays near flat up to the core count (3.13t is slower per thread than
the GIL build: no specialisation in its free-threaded build, and large ints come from
per-thread mimalloc heaps), then grows once threads outnumber cores. 3.14t enables the
specialising interpreter in the free-threaded build (smaller 1-thread gap); the parallel
behaviour should not change. Not measured on 3.14 or 3.15 here.
"""
from .. import _shared


def _kernel(n):
    total = 0
    for i in range(n):
        total += i * i  # op
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
