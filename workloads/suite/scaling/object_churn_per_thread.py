"""Object churn on per-thread pools: allocate an object, replace a slot of the thread's own pool, read a neighbour.

Isolates: allocation, deallocation and attribute reads when every object stays inside the
thread that made it. Each worker builds its own 64-slot pool list (inside the worker, filled
with objects it creates); each op allocates a ``Particle`` (``__slots__`` class with an
``__init__``), stores it into the next slot (freeing the previous occupant) and reads an
attribute of the following slot's object. Held constant against
scaling/object_churn_shared: the same class, pool size, op sequence and op count; only
whether the pool (and so the objects) is private or shared differs.

Scaling: weak (each thread performs ``size`` ops).
Operation: one allocate + slot store (freeing the old object) + neighbour attribute read.

Expected: GIL builds (3.12, 3.13): ~N x the 1-thread time (GIL serialisation), the same as
object_churn_shared. Free-threaded (3.13t): objects, pool list and its lock are all
thread-owned (non-atomic biased refcounts, uncontended critical sections, mimalloc
per-thread heap), so threads scale near-flat up to the core count (the original suite
published 3.77x at 4 threads); the shared heap type's refcount (incref per instance) is
the one shared line, as in scaling/object_creation.
"""
from . import _object_churn
from ._object_churn import POOL, Particle, kernel


class ObjectChurnPerThread(_object_churn.ObjectChurn):
    tags = ("scaling", "allocation", "churn", "refcount")

    def setup(self, threads, size):
        super().setup(threads, size)
        self.pools = [None] * threads

    def run_thread(self, index):
        pool = [Particle(-1, index) for _ in range(POOL)]   # thread-owned pool
        kernel(pool, self.size, index, index * 7)
        self.pools[index] = pool
        self.done[index] = self.size

    def check_pools(self):
        for t in range(self.threads):
            pool = self.pools[t]
            if len(pool) != POOL or any(type(p) is not Particle or p.owner != t for p in pool):
                return "thread %d pool holds objects from another thread" % t
        return None


WORKLOAD = ObjectChurnPerThread
