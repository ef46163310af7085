"""Python function calls: ``next_number(i)`` on a module-level function shared by all threads.

Isolates: calling a top-level Python function reached through a global (ftscalingbench
``pyfunction``), unlike bytecode/dispatch whose callee is thread-owned. Held constant: a
one-line callee (``return i + 1``), small-int arguments; no per-thread objects.

Scaling: weak (each thread makes ``size`` calls).
Operation: one function call.

Expected: GIL builds (3.12, 3.13): LOAD_GLOBAL_MODULE + CALL_PY_EXACT_ARGS, ~N x the 1-thread
time (GIL serialisation). Free-threaded (3.13t): unspecialised, so slower per call, but
top-level functions are marked for deferred reference counting on free-threaded builds
(3.13t sets the deferred bit on them; nested functions do not get it), meant to keep the
shared function object's refcount from being written on every call, so threads should
scale near-flat up to the core count; time growing with threads would show remaining
refcount contention on it (3.14t's stack references remove most of it).
"""
from .. import _shared


def next_number(i):
    return i + 1


def _kernel(n):
    accu = 0
    for i in range(n):
        accu = next_number(i)
    return accu


class PyFunctionCall(_shared.PerThreadResults):
    tags = ("scaling", "call", "ftscalingbench")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "function call"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)


WORKLOAD = PyFunctionCall
