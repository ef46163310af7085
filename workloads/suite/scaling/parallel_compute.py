"""Parallel compute kernel: a fixed range of integers, hashed and summed, split across threads.

Isolates: the parallel speed-up of pure-Python integer arithmetic when the work is divided
(strong scaling). Each thread processes a contiguous chunk of ``range(size)``: a small
multiply/xor/shift/mask hash per element, summed; partial sums are combined after the
iteration. Held constant: total work (``size`` elements) regardless of thread count; no
shared objects in the loop (chunk bounds, multiplier and masks are ints created by the
running thread; the only literals are small immortal ints); values are masked to 31 bits.
check() verifies the combined sum exactly.

Hot objects: none made in advance: the multiplier and masks are computed by each thread at
the start of its body (see the comment in the kernel), every other int in the loop is the
thread's own.

Scaling: strong (``size`` elements in total, split across threads).
Operation: one element hashed and accumulated; ops = size.

Expected: GIL builds: no speed-up (the GIL runs one thread at a time; time stays ~flat or
rises slightly with switching overhead). Free-threaded builds (GIL disabled): time falls
towards 1/N up to the core count (the original suite published 3.79x at 4 threads on 3.13t),
then stays flat once threads outnumber cores; on 3.13t the 1-thread time is higher than on
the GIL build (no specialisation in its free-threaded build); 3.14t specialises the int
operations in the free-threaded build. Not measured on 3.14 or 3.15 here.
"""
from ftbench.workload import Workload, STRONG

from .._shared import chunk


def _kernel(lo, hi):
    # The multiplier and masks are computed here, at run time, rather than written as
    # literals: literals above 256 are code-object constants shared by all threads, and
    # on free-threaded builds they may be left mortal (3.13t: when the code was compiled by
    # compile() rather than loaded from a .pyc), which would add shared-refcount traffic on
    # every use. Computed here they are owned by the running thread. Only small ints
    # (immortal) appear as literals in the loop.
    mult = int("2654435761")          # Knuth's multiplicative-hash constant
    mask31 = int("7fffffff", 16)
    mask16 = int("ffff", 16)
    acc = 0
    for i in range(lo, hi):
        x = (i * mult) & mask31
        x ^= x >> 13
        acc += (x * 31) & mask16  # op
    return acc


class ParallelCompute(Workload):
    scaling = STRONG
    tags = ("scaling", "cpu", "compute")
    sizes = {"default": 600_000, "quick": 24_000}
    op_name = "element"

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.expected = _kernel(0, size)
        self.partials = [None] * threads

    def before_iteration(self, iteration):
        self.partials = [None] * self.threads

    def run_thread(self, index):
        lo, hi = chunk(self.size, self.threads, index)
        self.partials[index] = _kernel(lo, hi)

    def ops(self, threads, size):
        return size

    def check(self):
        if any(p is None for p in self.partials):
            return "a worker did not finish"
        if sum(self.partials) != self.expected:
            return "sum %d, expected %d" % (sum(self.partials), self.expected)
        return None


WORKLOAD = ParallelCompute
