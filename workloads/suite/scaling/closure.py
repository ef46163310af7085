"""Closures: define a nested function capturing a local, call it once, drop it.

Isolates: closure creation (MAKE_CELL, MAKE_FUNCTION + SET_FUNCTION_ATTRIBUTE for the
closure tuple) plus one call and the function's deallocation (ftscalingbench
``create_closure``, with a captured variable so a real closure is built). Held constant:
one definition and one call per op; all function objects are created and freed by the
same thread; they share one code object.

Scaling: weak (each thread creates and calls ``size`` closures).
Operation: one closure created, called and freed.

Expected: GIL builds (3.12, 3.13): ~N x the 1-thread time (GIL serialisation). Free-threaded
(3.13t): the new function and cell objects are thread-owned, but every function references
the one shared code object and the shared globals/builtins dicts, whose reference counts
are touched at creation and free: nested functions do not get deferred reference counting
(3.13t sets the deferred bit only on top-level functions) while the code object does, so
the shared code object should not be a bottleneck; expect near-flat scaling up to the core
count, and any shortfall to show up as HITM on those shared objects.
"""
from .. import _shared


def _kernel(n):
    accu = 0
    for i in range(n):
        def foo(x):
            return x + i
        accu = foo(1)
    return accu


class Closure(_shared.PerThreadResults):
    tags = ("scaling", "closure", "allocation", "ftscalingbench")
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "closure created+called"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)


WORKLOAD = Closure
