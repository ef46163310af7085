"""Reference traffic on thread-owned objects: each thread stores references to objects it created itself.

Isolates: reference-count increments/decrements on objects owned by the thread doing them.
Each worker walks its own pool of POOL = 100 small objects (instances of a plain class,
never immortal) round after round, storing each object into two local variables: each store
increfs the new object and decrefs the one it replaces. Held constant: the same loop, pool
size and op count as memory/ref_counting/cross_thread; only which thread created the pool
differs. check() verifies that every round walked the whole pool, that the pool holds its
objects in order, and that every pool object was created by the worker that used it.

Hot objects: each worker's pool list and its 100 objects, created by each worker in
setup_thread() (untimed, before the first iteration; previously they were made lazily in
the first timed iteration).

Scaling: weak (each thread performs ``size`` reference stores).
Operation: one reference store into a local variable (one incref of the new referent, one
decref of the previous one); two per pool element per round (the loop variable, and
``b = a``). Local variables are used, not list slots, so no per-object lock (free-threaded
list stores take the list's critical section) dilutes the refcount cost; ops = threads *
size (size must be a multiple of 200).

Expected: GIL builds: plain non-atomic refcounting; same speed as cross_thread; ~N x the
1-thread time (GIL serialisation). Free-threaded builds (GIL disabled): biased reference
counting gives the owning thread a non-atomic local count (ob_ref_local), so these
operations add no atomic cost (on 3.13t the 1-thread time is still above the GIL build's:
the unspecialised interpreter and the immortality checks on every refcount operation) and
threads scale near-flat up to the core count. Later versions: 3.14t enables the specialising
interpreter and adds borrowed loads of locals (LOAD_FAST_BORROW); a store into a local still
takes its own reference, so the pair compares the same operations (3.14 and 3.15 are not
measured here). Pair ref_counting: ratio = time per
operation of memory/ref_counting/cross_thread (subject) over memory/ref_counting/thread_local
(reference). Expected ratio: GIL build, any thread count: equal; free-threaded build (GIL
disabled), any thread count: higher.
"""

from . import _refs
from ._refs import POOL, Obj


class ThreadLocalRefs(_refs.RefStores):
    pair = _refs.PAIR.side("reference")

    def setup(self, threads, size):
        super().setup(threads, size)
        self.pools = [None] * threads        # created by each worker in setup_thread

    def setup_thread(self, index):
        self.pools[index] = [Obj(k) for k in range(POOL)]    # created by this worker

    def check_creators(self):
        for t in range(self.threads):
            if any(o.creator != self.users[t] for o in self.pools[t]):
                return "worker %d used objects created by another thread" % t
        return None


WORKLOAD = ThreadLocalRefs
