"""Generators: create a 10-value generator and exhaust it, over and over.

Isolates: generator creation, resumption (FOR_ITER into the generator frame, YIELD_VALUE)
and finalisation (ftscalingbench ``generator``). Held constant: a module-level generator
function shared by all threads, ten small-int values per generator, each generator object
created and consumed by one thread.

Scaling: weak (each thread receives ``size`` yielded values, size // 10 generators).
Operation: one value yielded and consumed.

Expected: GIL builds (3.12, 3.13): FOR_ITER_GEN specialisation; ~N x the 1-thread time (GIL
serialisation). Free-threaded (3.13t): unspecialised; each generator object is owned by the
thread that created it (non-atomic refcounts, mimalloc per-thread heap), and the shared
generator function and code object are deferred-refcounted, so threads should scale
near-flat up to the core count.
"""
from .. import _shared


def simple_gen():
    for i in range(10):
        yield i


def _kernel(n):
    accu = 0
    for _ in range(n // 10):
        for v in simple_gen():
            accu += v
    return accu


class Generator(_shared.PerThreadResults):
    tags = ("scaling", "generator", "ftscalingbench")
    sizes = {"default": 2_000_000, "quick": 80_000}
    op_name = "value yielded"
    unroll = 10
    mismatch = "thread {t} summed {got!r}, expected {want}"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)

    def expected_results(self):
        return [(self.size // 10) * 45] * self.threads


WORKLOAD = Generator
