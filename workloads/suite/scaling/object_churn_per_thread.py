"""Object churn on per-thread pools: allocate an object, replace a slot of the thread's own pool, read a neighbour.

Isolates: allocation, deallocation and attribute reads when every object stays inside the
thread that made it. Each op allocates a ``Particle`` (``__slots__`` class with an
``__init__``), stores it into the next slot of the worker's own 64-slot pool list (freeing
the previous occupant) and reads an attribute of the following slot's object. Held constant
against scaling/object_churn_shared: the same class, pool size, op sequence, op count and
timed code; only whether the pool (and so the objects) is private or shared differs. The
attribute read is summed per thread; check() replays each iteration's arithmetic on plain
ints and verifies the sum exactly, and that every pool slot holds a Particle the worker made.

Hot objects: each worker's pool list and its 64 initial Particles, created by each worker in
setup_thread() (untimed; the pool used to be built at the start of every timed body, which
object_churn_shared did not pay). The pool persists across iterations, like the shared one.

Scaling: weak (each thread performs ``size`` ops).
Operation: one allocate + slot store (freeing the old object) + neighbour attribute read;
ops = threads * size.

Expected: GIL builds: ~N x the 1-thread time (GIL serialisation), the same as
object_churn_shared. Free-threaded builds (GIL disabled): objects, pool list and its lock are
all thread-owned (non-atomic biased refcounts, uncontended critical sections, mimalloc
per-thread heap), so threads scale near-flat up to the core count (the original suite
published 3.77x at 4 threads); the shared class is immortal on 3.13t once a second thread
has started (measured), so its per-instance incref costs nothing there; 3.14t gives heap
types per-thread reference counts and deferred reference counting instead. Not measured on
3.14 or 3.15 here. Pair object_churn: ratio = time per operation of
scaling/object_churn_shared (subject) over scaling/object_churn_per_thread (reference).
Expected ratio: any build, 1 thread: equal; GIL build, 2+ threads: equal; free-threaded
build (GIL disabled), 2+ threads: higher.
"""
import threading

from . import _object_churn
from ._object_churn import POOL, Particle


class ObjectChurnPerThread(_object_churn.ObjectChurn):
    tags = ("scaling", "allocation", "churn", "refcount")
    pair = _object_churn.PAIR.side("reference")

    def setup(self, threads, size):
        super().setup(threads, size)
        self.pools = [None] * threads
        self.creators = [None] * threads

    def setup_thread(self, index):
        self.pools[index] = [Particle(-1, index) for _ in range(POOL)]   # thread-owned pool
        self.creators[index] = threading.get_ident()

    def hot_objects(self, index):
        pool = self.pools[index]
        return None if pool is None else [pool] + list(pool)

    def pool_of(self, index):
        return self.pools[index]

    def check_totals(self):
        for t in range(self.threads):
            want = self.replay(t, self.initial[t])
            if self.totals[t] != want:
                return "thread %d read neighbours summing to %r, expected %d" % (t, self.totals[t], want)
        return None

    def check_pools(self):
        for t in range(self.threads):
            pool = self.pools[t]
            if len(pool) != POOL or any(type(p) is not Particle or p.owner != t for p in pool):
                return "thread %d pool holds objects from another thread" % t
        return None


WORKLOAD = ObjectChurnPerThread
