"""Object creation: instantiate a module-level class with no ``__init__`` and drop the instance at once.

Isolates: allocating and freeing a small instance of a shared, module-level class
(CPython's ftscalingbench ``create_pyobject``). Held constant: one class shared by all
threads (as in real programs), no ``__init__``, no attributes set, each instance freed by
the thread that made it two operations later. Every instance is compared with the previous
one (``p = o; o = MyObject(); if o is p: break``), so every instance is used, and the loop
only completes when each of the ``size`` instances was new: check() verifies the completed
count (the loop variable, no counter) and that the last instance is a ``MyObject``. The
identity test adds a local store, two loads and a never-taken branch per operation: about
10-15 % of the operation's time here (fastest iterations against the former ``o =
MyObject()`` loop, which checked only the last instance's type: 3.12 +9 %, 3.13 +16 %,
3.13t +11 %).

Hot objects: none made in advance: every instance is made and freed by the looping thread
itself; the class ``MyObject`` is module-level, created at import by the main thread and
shared.

Scaling: weak (each thread creates ``size`` instances).
Operation: one instance created (and, one op later, freed); ops = threads * size.

Expected: GIL builds: ~N x the 1-thread time (GIL serialisation; pymalloc). Free-threaded
builds (GIL disabled): allocation is from the thread's own mimalloc heap and the instance is
owned by its creator (non-atomic biased refcount), but every instance holds a reference to
its class, so creating/freeing one increfs/decrefs the one shared heap-type object. On 3.13t
that costs nothing: heap types are immortal once a second thread has started (3.13t
immortalises objects that would use deferred reference counting; measured:
sys.getrefcount(MyObject) = 2**32-1 in a worker), so expect near-flat scaling. 3.14 stops
that immortalisation and gives heap types per-thread reference counts instead, so the class's
count is again written on every op, but in a per-thread slot: scaling should stay near flat
unless that mechanism falls short. Not measured on 3.14 or 3.15 here.
"""
from .. import _shared


class MyObject:
    pass


def _kernel(n):
    o = None
    k = -1
    for k in range(n):
        p = o
        o = MyObject()  # op
        if o is p:      # a new instance is never the previous one: never taken
            break
    return k + 1, o


class ObjectCreation(_shared.PerThreadResults):
    tags = ("scaling", "allocation", "ftscalingbench")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "instance created"
    mismatch = "thread {t} made {got!r} distinct instances (count, last type), expected {want!r}"

    def run_thread(self, index):
        made, last = _kernel(self.size)
        self.results[index] = (made, type(last))

    def expected_results(self):
        return [(self.size, MyObject)] * self.threads


WORKLOAD = ObjectCreation
