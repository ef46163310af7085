"""Reference traffic on objects another thread created: each thread stores references to objects the main thread made.

Isolates: reference-count increments/decrements by a thread that does not own the objects.
The pools of POOL = 100 small objects (instances of a plain class, never immortal) are
created in setup() by the harness's main thread, which never touches them while the
workers run; worker t then runs exactly the loop of memory/ref_counting/thread_local over
its own pool (pools are not shared between workers, so there is no contention between
workers: the only difference from thread_local is which thread created the objects).
Held constant: loop, pool size and op count. check() verifies that every round of every
worker walked its whole pool (the kernel counts rounds that end on the pool's last object:
one identity test per 200 stores, on both sides of the pair), that the pool still holds its
objects in order, and that every pool object was created by a thread other than the worker
that used it.

Hot objects: each worker's pool list and its 100 objects, created by the main thread in
setup().

Scaling: weak (each thread performs ``size`` reference stores).
Operation: one reference store into a local variable (one incref of the new referent, one
decref of the previous one); two per pool element per round (the loop variable, and
``b = a``). Local variables are used, not list slots, so no per-object lock (free-threaded
list stores take the list's critical section) dilutes the refcount cost; ops = threads *
size (size must be a multiple of 200).

Expected: GIL builds: refcounting ignores the creating thread, so this runs at thread_local's
speed, ~N x the 1-thread time (GIL serialisation). Free-threaded builds (GIL disabled):
biased reference counting sends every incref/decref by a non-owner to the shared field
(ob_ref_shared) with an atomic read-modify-write, so even at 1 thread this is slower than
thread_local by the cost of those atomics; the lines are not contended (one worker per
pool), so it still scales near-flat with threads. Later versions: biased reference counting
is unchanged in 3.14; 3.14 adds borrowed loads of locals (LOAD_FAST_BORROW, no incref where
the value only passes through the stack), but a store into a local still takes its own
reference, so both sides keep their refcount operations and the sign should not change
(3.14 and 3.15 are not measured here).
Contention on shared objects is measured by scaling/object_churn_shared; the original
producer/consumer version of this test caught the non-existent ``Queue.Full``/``Queue.Empty``
names and passed whole lists through a locked queue, which measured the queue rather than
reference counting. Pair ref_counting: ratio = time per operation of
memory/ref_counting/cross_thread (subject) over memory/ref_counting/thread_local
(reference). Expected ratio: GIL build, any thread count: equal; free-threaded build (GIL
disabled), any thread count: higher.
"""
from . import _refs
from ._refs import POOL, Obj


class CrossThreadRefs(_refs.RefStores):
    pair = _refs.PAIR.side("subject")

    def setup(self, threads, size):
        super().setup(threads, size)
        # created here, by the harness's main thread: never by a worker
        self.pools = [[Obj(k) for k in range(POOL)] for _ in range(threads)]

    def check_creators(self):
        for t in range(self.threads):
            if any(o.creator == self.users[t] for o in self.pools[t]):
                return "worker %d used objects it created itself" % t
        return None


WORKLOAD = CrossThreadRefs
