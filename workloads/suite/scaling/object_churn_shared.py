"""Object churn on one shared pool: allocate an object, replace a slot of the pool all threads use, read a neighbour.

Isolates: what sharing objects between threads costs. One 64-slot pool list, created and
filled by the main thread in setup, is used by every worker; each op allocates a
``Particle``, stores it into a slot (freeing whatever object was there, often one created
by another thread) and reads an attribute of the next slot's object (often another
thread's). Held constant against scaling/object_churn_per_thread: class, pool size, op
sequence and op count; only the pool's privacy differs. Workers start at different slots
(offset 7 x index) and all cycle over every slot, so they keep meeting on the same objects
and on the list's item array. Correct under both GIL and free-threaded builds (list item
stores are atomic); check() verifies the pool holds only valid Particles.

Scaling: weak (each thread performs ``size`` ops).
Operation: one allocate + slot store (freeing the old object) + neighbour attribute read.

Expected: GIL builds (3.12, 3.13): same as the per-thread variant, ~N x the 1-thread time.
Free-threaded (3.13t): every store takes the shared list's per-object lock (contended),
reads incref objects the reader does not own (atomic shared-field refcounting), objects die
on a thread other than their creator (biased-refcount merge via the owner's queue), and
the list's item array and the objects' headers ping-pong between cores: expect per-op time
to rise with threads, possibly slower in total than one thread (the original suite
published 0.29x at 2 threads).
"""
from . import _object_churn
from ._object_churn import POOL, Particle, kernel


class ObjectChurnShared(_object_churn.ObjectChurn):
    tags = ("scaling", "allocation", "churn", "refcount", "contention")

    def setup(self, threads, size):
        super().setup(threads, size)
        self.pool = [Particle(-1, -1) for _ in range(POOL)]   # shared, made by main thread

    def run_thread(self, index):
        kernel(self.pool, self.size, index, index * 7)
        self.done[index] = self.size

    def check_pools(self):
        pool = self.pool
        if len(pool) != POOL or any(type(p) is not Particle for p in pool):
            return "shared pool corrupted"
        if not all(0 <= p.owner < self.threads for p in pool):
            return "shared pool holds objects no worker stored"
        return None


WORKLOAD = ObjectChurnShared
