"""Closures: define a nested function capturing a local, call it once, drop it.

Isolates: closure creation (MAKE_CELL, MAKE_FUNCTION + SET_FUNCTION_ATTRIBUTE for the
closure tuple) plus one call and the function's deallocation (ftscalingbench
``create_closure``, with a captured variable so a real closure is built). Held constant:
one definition and one call per op; all function objects are created and freed by the
same thread; they share one code object. check() verifies each thread's last result
(``size``). The results are not summed: every sum above 256 is a newly allocated int, an
allocation this workload would then measure too; each call of a new closure cannot be
dropped without inlining it, so keeping the last result keeps every call.

Hot objects: none made in advance: every function and cell is made and freed by the looping
thread itself; the shared code object is created at import by the main thread.

Scaling: weak (each thread creates and calls ``size`` closures).
Operation: one closure created, called and freed; ops = threads * size.

Expected: GIL builds: ~N x the 1-thread time (GIL serialisation). Free-threaded builds (GIL
disabled): the new function and cell objects are thread-owned, but every function references
the one shared code object and the shared globals/builtins dicts, whose reference counts
are touched at creation and free. Nested functions get no deferred reference counting; on
3.13t the code object and the module's globals dict are immortal once a second thread has
started (3.13t immortalises objects that would use deferred reference counting; measured),
so they are not a bottleneck there: expect near-flat scaling up to the core count, and any
shortfall to show up as HITM on those shared objects. 3.14 replaces that immortalisation
with deferred reference counting (plus specialisation in the free-threaded build); whether
the shared code object then stays off the hot path is what this workload shows on 3.14t.
Not measured on 3.14 or 3.15 here.
"""
from .. import _shared


def _kernel(n):
    accu = 0
    for i in range(n):
        def foo(x):
            return x + i
        accu = foo(1)  # op
    return accu


class Closure(_shared.PerThreadResults):
    tags = ("scaling", "closure", "allocation", "ftscalingbench")
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "closure created+called"
    mismatch = "thread {t} got {got!r} from its last call, expected {want!r}"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)


WORKLOAD = Closure
