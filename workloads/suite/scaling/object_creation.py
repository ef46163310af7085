"""Object creation: instantiate a module-level class with no ``__init__`` and drop the instance at once.

Isolates: allocating and freeing a small instance of a shared, module-level class
(CPython's ftscalingbench ``create_pyobject``). Held constant: one class shared by all
threads (as in real programs), no ``__init__``, no attributes set, the instance freed on
the next iteration by the thread that made it.

Scaling: weak (each thread creates ``size`` instances).
Operation: one instance created and freed.

Expected: GIL builds (3.12, 3.13): ~N x the 1-thread time (GIL serialisation; pymalloc).
Free-threaded (3.13t): allocation is from the thread's own mimalloc heap and the instance is
owned by its creator (non-atomic biased refcount), but every instance holds a reference to
its class, so creating/freeing one increfs/decrefs the one shared heap-type object: unless
the build gives heap types per-thread reference counts (added in 3.14), that count is an
atomic on a cache line all cores write, and scaling falls short of flat. Compare 3.13t with
3.14t to see the fix.
"""
from .. import _shared


class MyObject:
    pass


def _kernel(n):
    o = None
    for _ in range(n):
        o = MyObject()
    return o


class ObjectCreation(_shared.PerThreadResults):
    tags = ("scaling", "allocation", "ftscalingbench")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "instance created"
    mismatch = "thread {t} did not create MyObject instances"

    def run_thread(self, index):
        self.results[index] = type(_kernel(self.size))

    def expected_results(self):
        return [MyObject] * self.threads


WORKLOAD = ObjectCreation
