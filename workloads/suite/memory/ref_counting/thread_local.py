"""Reference traffic on thread-owned objects: each thread stores references to objects it created itself.

Isolates: reference-count increments/decrements on objects owned by the thread doing them.
Each worker creates its own pool of POOL = 100 small objects (instances of a plain class,
never immortal) the first time it runs, in that worker thread, and keeps it; the loop then
walks the pool round after round, storing each object into two local variables: each store
increfs the new object and decrefs the one it replaces. Held constant: the same loop, pool
size and op count as memory/ref_counting/cross_thread; only which thread created the pool differs.
check() verifies that every pool object was created by the worker that used it.

Scaling: weak (each thread performs ``size`` reference stores).
Operation: one reference store into a local variable (one incref of the new referent, one
decref of the previous one); two per pool element per round (the loop variable, and
``b = a``). Local variables are used, not list slots, so no per-object lock (3.13t list
stores take the list's critical section) dilutes the refcount cost.

Expected: GIL builds (3.12, 3.13): plain non-atomic refcounting; same speed as cross_thread;
~N x the 1-thread time (GIL serialisation). Free-threaded (3.13t): biased reference counting
gives the owning thread a non-atomic local count (ob_ref_local), so these operations add
no atomic cost (the 1-thread time is still above 3.12's: the unspecialised 3.13t
interpreter and the immortality checks on every refcount operation) and threads scale
near-flat up to the core count.
"""
import threading

from . import _refs
from ._refs import POOL, Obj, kernel


class ThreadLocalRefs(_refs.RefStores):
    def setup(self, threads, size):
        super().setup(threads, size)
        self.pools = [None] * threads        # created lazily by each worker

    def _pool_for(self, index):
        me = threading.get_ident()
        pool = self.pools[index]
        if pool is None or pool[0].creator != me:
            pool = [Obj(k) for k in range(POOL)]    # created by this worker, once
            self.pools[index] = pool
        return pool

    def run_thread(self, index):
        pool = self._pool_for(index)
        last = kernel(pool, self.size // (2 * POOL))
        if last is not pool[-1]:
            raise AssertionError("kernel did not walk the pool")
        self.users[index] = threading.get_ident()

    def check(self):
        for t in range(self.threads):
            user, pool = self.users[t], self.pools[t]
            if user is None or pool is None:
                return "worker %d did not run" % t
            if any(o.creator != user for o in pool):
                return "worker %d used objects created by another thread" % t
        return None


WORKLOAD = ThreadLocalRefs
