"""Object churn on one shared pool: allocate an object, replace a slot of the pool all threads use, read a neighbour.

Isolates: what sharing objects between threads costs. One 64-slot pool list is used by every
worker; each op allocates a ``Particle``, stores it into a slot (freeing whatever object was
there, often one created by another thread) and reads an attribute of the next slot's
object (often another thread's). Held constant against scaling/object_churn_per_thread:
class, pool size, op sequence, op count and timed code; only the pool's privacy differs.
Workers start at different slots (offset 7 x index) and all cycle over every slot, so they
keep meeting on the same objects and on the list's item array. Correct under both GIL and
free-threaded builds (list item stores are atomic). The attribute read is summed per thread;
check() verifies the sum exactly when one thread runs (replaying the iteration on plain
ints) and its bounds otherwise (the interleaving decides which values are read), and that
the pool holds only Particles some worker stored.

Hot objects: the one pool list and its 64 initial Particles, created by the main thread in
setup() and shared by every worker (that sharing is what is measured).

Scaling: weak (each thread performs ``size`` ops).
Operation: one allocate + slot store (freeing the old object) + neighbour attribute read;
ops = threads * size.

Expected: GIL builds: same as the per-thread variant, ~N x the 1-thread time. Free-threaded
builds (GIL disabled): every store takes the shared list's per-object lock (contended),
reads incref objects the reader does not own (atomic shared-field refcounting), objects die
on a thread other than their creator (biased-refcount merge via the owner's queue), and the
list's item array and the objects' headers ping-pong between cores: expect per-op time to
rise with threads, possibly slower in total than one thread (the original suite published
0.29x at 2 threads). At 1 thread the only difference is that the list (and the first 64
objects) belong to the main thread. Biased reference counting and per-object list locks are
unchanged in 3.14; not measured on 3.14 or 3.15 here. Pair object_churn: ratio = time per
operation of scaling/object_churn_shared (subject) over scaling/object_churn_per_thread
(reference). Expected ratio: any build, 1 thread: equal; GIL build, 2+ threads: equal;
free-threaded build (GIL disabled), 2+ threads: higher.
"""
from . import _object_churn
from ._object_churn import POOL, Particle


class ObjectChurnShared(_object_churn.ObjectChurn):
    tags = ("scaling", "allocation", "churn", "refcount", "contention")
    pair = _object_churn.PAIR.side("subject")

    def setup(self, threads, size):
        super().setup(threads, size)
        self.pool = [Particle(-1, -1) for _ in range(POOL)]   # shared, made by main thread

    def hot_objects(self, index):
        return [self.pool] + list(self.pool)

    def pool_of(self, index):
        return self.pool

    def check_totals(self):
        if self.threads == 1:
            want = self.replay(0, self.initial[0])
            if self.totals[0] != want:
                return "thread 0 read neighbours summing to %r, expected %d" % (self.totals[0], want)
            return None
        # each read is -1 (an initial object) or some i a worker stored: i < 7*threads + size
        top = 7 * (self.threads - 1) + self.size
        for t in range(self.threads):
            if not -self.size <= self.totals[t] <= self.size * top:
                return "thread %d read neighbours summing to %r, out of range" % (t, self.totals[t])
        return None

    def check_pools(self):
        pool = self.pool
        if len(pool) != POOL or any(type(p) is not Particle for p in pool):
            return "shared pool corrupted"
        if not all(0 <= p.owner < self.threads for p in pool):
            return "shared pool holds objects no worker stored"
        return None


WORKLOAD = ObjectChurnShared
