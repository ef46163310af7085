"""Python method calls: ``c.next_number()`` on a thread-owned instance of a module-level class.

Isolates: a bound-method call of a Python method that updates an instance attribute
(ftscalingbench ``pymethod``). Held constant: one ``Counter`` instance per thread; the class
and its function object are module-level and shared by all threads, as in real programs.
Every call increments the instance's counter, so check() verifies the count of calls each
thread made (the counter's increase during the iteration).

Hot objects: each worker's ``Counter`` instance, created by each worker in setup_thread()
(untimed; it used to be created at the start of every timed body).

Scaling: weak (each thread makes ``size`` calls).
Operation: one method call (``self.i += 1; return self.i``); ops = threads * size.

Expected: GIL builds: the call specialises (LOAD_ATTR_METHOD_WITH_VALUES, CALL_PY_EXACT_ARGS,
STORE_ATTR_INSTANCE_VALUE); ~N x the 1-thread time (GIL serialisation). Free-threaded builds
(GIL disabled): on 3.13t unspecialised (generic LOAD_ATTR/CALL), so the 1-thread time is
higher; the instance is thread-owned, and the class and its method's function object are
immortal on 3.13t once a second thread has started (3.13t immortalises objects that would
use deferred reference counting; measured), so per-call refcount writes stay off their
shared cache lines and threads should scale near-flat up to the core count. 3.14 replaces
that immortalisation with deferred reference counting and per-thread heap-type reference
counts (and specialises these sites in the free-threaded build); a shortfall there points at
remaining refcount contention on the shared function or class. Not measured on 3.14 or 3.15
here.
"""
from .. import _shared


class Counter:
    def __init__(self):
        self.i = 0

    def next_number(self):
        self.i += 1
        return self.i


def _kernel(n, c):
    for _ in range(n):
        c.next_number()  # op


class PyMethodCall(_shared.PerThreadResults):
    tags = ("scaling", "call", "ftscalingbench")
    sizes = {"default": 600_000, "quick": 24_000}
    op_name = "method call"
    mismatch = "thread {t} counted {got!r}, expected {want}"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.counters = [None] * threads

    def setup_thread(self, index):
        self.counters[index] = Counter()

    def hot_objects(self, index):
        c = self.counters[index]
        return None if c is None else [c]

    def run_thread(self, index):
        c = self.counters[index]
        start = c.i
        _kernel(self.size, c)
        self.results[index] = c.i - start


WORKLOAD = PyMethodCall
