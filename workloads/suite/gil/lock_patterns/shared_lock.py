"""One shared ``threading.Lock`` around one shared counter: the contended critical-section pattern.

Isolates: acquiring and releasing a lock that every thread wants, plus the cache traffic of
the one counter it protects. Held constant: the critical section is a single increment of
a shared counter (``box[0] += 1`` on one shared list) between ``acquire()`` and
``release()`` (bound methods, same loop as try_spin); nothing else runs in the loop.
Correct by construction: every increment happens under the same lock, so check() verifies
the final total exactly.

Hot objects: the one Lock and the one counter list, created by the main thread in setup()
and shared by every worker (that sharing is what is measured).

Scaling: weak (each thread performs ``size`` locked increments).
Operation: one lock round trip (acquire, increment, release); ops = threads * size.

Expected: on GIL builds the GIL already serialises the threads and a thread rarely loses the
GIL while holding the Lock, so the Lock is mostly uncontended: time ~N x the 1-thread time.
On free-threaded builds (GIL disabled) the threads really contend: the lock word and the
counter's cache lines ping-pong between cores, the shared counter list is also reached
through atomic (shared-path) reference counting (it is owned by the main thread), and
waiters park on futexes (PyMutex parks after a brief spin), so per-op time at N > 1 threads
is typically *worse* than N x the 1-thread time; watch futex calls, context switches and
HITM events rise. 3.14 keeps biased reference counting and PyMutex; not measured on 3.14 or
3.15 here. Compare gil/lock_patterns/per_thread_lock (same ops, no contention).
"""
from ... import _shared


class SharedLock(_shared.SharedCounter):
    tags = ("gil", "lock", "contention")
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "lock round trip"

    def run_thread(self, index):
        acquire = self.lock.acquire
        release = self.lock.release
        box = self.box
        for _ in range(self.size):
            acquire()
            box[0] += 1  # op
            release()


WORKLOAD = SharedLock
