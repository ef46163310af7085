"""Spin-acquire: ``while not lock.acquire(False)`` busy-waits on one shared Lock around a shared counter.

Isolates: a user-level spin lock built from non-blocking acquires: the cost of busy-waiting
instead of parking. Held constant: the same shared lock, shared counter and op count as
gil/lock_patterns/shared_lock; the only difference is how a thread waits. Correct by
construction (every increment is under the lock); check() verifies the total exactly. The
number of failed attempts per thread is kept in ``self.spins`` for inspection.

Hot objects: the one Lock and the one counter list, created by the main thread in setup()
and shared by every worker.

Scaling: weak (each thread performs ``size`` locked increments).
Operation: one successful lock round trip (spin until acquired, increment, release); ops =
threads * size.

Expected: on GIL builds a spinner holds the GIL while spinning, so when the GIL switches to
it while another thread holds the Lock it burns a whole switch interval (5 ms) without
progress: time at N > 1 threads is worse than N x the 1-thread time. On free-threaded builds
(GIL disabled) spinners really run in parallel and hammer the lock's cache line with failed
compare-and-swaps (high HITM, few futex calls), which is cheaper than parking when hold
times are tiny but collapses when threads outnumber cores (a spinner can burn its whole
time slice while the holder is descheduled). Not measured on 3.14 or 3.15 here; nothing
this relies on changed in 3.14.
"""
from ... import _shared


class TrySpin(_shared.SharedCounter):
    tags = ("gil", "lock", "contention", "spin")
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "lock round trip"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.spins = [0] * threads

    def before_iteration(self, iteration):
        super().before_iteration(iteration)
        self.spins = [0] * self.threads

    def run_thread(self, index):
        acquire = self.lock.acquire
        release = self.lock.release
        box = self.box
        spins = 0
        for _ in range(self.size):
            while not acquire(False):
                spins += 1
            box[0] += 1  # op
            release()
        self.spins[index] = spins


WORKLOAD = TrySpin
