"""Generators: create a 10-value generator and exhaust it, over and over.

Isolates: generator creation, resumption (FOR_ITER into the generator frame, YIELD_VALUE)
and finalisation (ftscalingbench ``generator``). Held constant: a module-level generator
function shared by all threads, ten small-int values per generator, each generator object
created and consumed by one thread. check() verifies each thread's sum of the values.

Hot objects: none made in advance: every generator is made and freed by the looping thread
itself; the generator function and its code object are module-level, created at import by
the main thread.

Scaling: weak (each thread receives ``size`` yielded values, size // 10 generators).
Operation: one value yielded and consumed; ops = threads * size (size must be a multiple of
10).

Expected: GIL builds: FOR_ITER_GEN specialisation; ~N x the 1-thread time (GIL
serialisation). Free-threaded builds (GIL disabled): on 3.13t unspecialised; each generator
object is owned by the thread that created it (non-atomic refcounts, mimalloc per-thread
heap), and the shared generator function and code object are immortal once a second thread
has started (3.13t immortalises objects that would use deferred reference counting;
measured), so threads should scale near-flat up to the core count. 3.14t uses deferred
reference counting for them instead, and specialises FOR_ITER_GEN in the free-threaded
build. Not measured on 3.14 or 3.15 here.
"""
from .. import _shared


def simple_gen():
    for i in range(10):
        yield i


def _kernel(n):
    accu = 0
    for _ in range(n // 10):
        for v in simple_gen():
            accu += v  # op
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
