"""Python method calls: ``c.next_number()`` on a thread-owned instance of a module-level class.

Isolates: a bound-method call of a Python method that updates an instance attribute
(ftscalingbench ``pymethod``). Held constant: one ``Counter`` instance per thread created
inside the worker; the class and its function object are module-level and shared by all
threads, as in real programs.

Scaling: weak (each thread makes ``size`` calls).
Operation: one method call (``self.i += 1; return self.i``).

Expected: GIL builds (3.12, 3.13): the call specialises (LOAD_ATTR_METHOD_WITH_VALUES,
CALL_PY_EXACT_ARGS, STORE_ATTR_INSTANCE_VALUE); ~N x the 1-thread time (GIL serialisation).
Free-threaded (3.13t): unspecialised (generic LOAD_ATTR/CALL), so the 1-thread time is
higher; the instance is thread-owned, and the class and its method's function object are
marked for deferred reference counting on 3.13t (as are all top-level functions, classes
and code objects), which is meant to keep per-call refcount writes off their shared cache
lines, so threads should scale near-flat up to the core count. A shortfall points at
remaining refcount contention on the shared function or class (3.14t's stack references
remove most of it).
"""
from .. import _shared


class Counter:
    def __init__(self):
        self.i = 0

    def next_number(self):
        self.i += 1
        return self.i


class PyMethodCall(_shared.PerThreadResults):
    tags = ("scaling", "call", "ftscalingbench")
    sizes = {"default": 600_000, "quick": 24_000}
    op_name = "method call"
    mismatch = "thread {t} counted {got!r}, expected {want}"

    def run_thread(self, index):
        c = Counter()
        for _ in range(self.size):
            c.next_number()
        self.results[index] = c.i


WORKLOAD = PyMethodCall
