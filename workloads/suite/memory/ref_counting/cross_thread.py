"""Reference traffic on objects another thread created: each thread stores references to objects the main thread made.

Isolates: reference-count increments/decrements by a thread that does not own the objects.
The pools of POOL = 100 small objects (instances of a plain class, never immortal) are
created in setup() by the harness's main thread, which never touches them while the
workers run; worker t then runs exactly the loop of memory/ref_counting/thread_local over
its own pool (pools are not shared between workers, so there is no contention between
workers: the only difference from thread_local is which thread created the objects).
Held constant: loop, pool size and op count. check() verifies
every pool object was created by a thread other than the worker that used it.

Scaling: weak (each thread performs ``size`` reference stores).
Operation: one reference store into a local variable (one incref of the new referent, one
decref of the previous one); two per pool element per round (the loop variable, and
``b = a``). Local variables are used, not list slots, so no per-object lock (3.13t list
stores take the list's critical section) dilutes the refcount cost.

Expected: GIL builds (3.12, 3.13): refcounting ignores the creating thread, so this runs at
thread_local's speed, ~N x the 1-thread time (GIL serialisation). Free-threaded (3.13t):
biased reference counting sends every incref/decref by a non-owner to the shared field
(ob_ref_shared) with an atomic read-modify-write, so even at 1 thread this is slower than
thread_local by the cost of those atomics; the lines are not contended (one worker per
pool), so it still scales near-flat with threads. Contention on shared objects is measured
by scaling/object_churn_shared; the original producer/consumer version of this test caught
the non-existent ``Queue.Full``/``Queue.Empty`` names and passed whole lists through a
locked queue, which measured the queue rather than reference counting.
"""
import threading

from . import _refs
from ._refs import POOL, Obj, kernel


class CrossThreadRefs(_refs.RefStores):
    def setup(self, threads, size):
        super().setup(threads, size)
        # created here, by the harness's main thread: never by a worker
        self.pools = [[Obj(k) for k in range(POOL)] for _ in range(threads)]

    def run_thread(self, index):
        pool = self.pools[index]
        last = kernel(pool, self.size // (2 * POOL))
        if last is not pool[-1]:
            raise AssertionError("kernel did not walk the pool")
        self.users[index] = threading.get_ident()

    def check(self):
        for t in range(self.threads):
            user = self.users[t]
            if user is None:
                return "worker %d did not run" % t
            if any(o.creator == user for o in self.pools[t]):
                return "worker %d used objects it created itself" % t
        return None


WORKLOAD = CrossThreadRefs
