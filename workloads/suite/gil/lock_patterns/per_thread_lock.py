"""Per-thread locks, each guarding its own counter: the uncontended (lock-striped) pattern.

Isolates: the cost of an uncontended ``threading.Lock`` round trip. Each worker creates its
own Lock and its own counter inside the worker (thread-owned objects), and the lock guards
only that counter (the original suite had per-thread locks guarding one *shared* counter,
which is a data race, not a pattern; this is the valid form: lock striping, one lock per
independent piece of state). Held constant: the same loop body and op count as
gil/lock_patterns/shared_lock. check() verifies every per-thread counter and their total.

Scaling: weak (each thread performs ``size`` locked increments).
Operation: one lock round trip (acquire, increment, release).

Expected: on GIL builds (3.12, 3.13) the time is about the same as shared_lock (the GIL
serialises both; the Lock itself is uncontended in both), ~N x the 1-thread time. On the
free-threaded build (3.13t) nothing is shared: lock acquire/release are uncontended
compare-and-swaps on thread-private cache lines and the objects are owned by their thread
(non-atomic biased refcounting), so time stays near flat up to the core count; the gap to
shared_lock at the same thread count is the price of contention.
"""
import threading

from ftbench.workload import Workload, WEAK


class PerThreadLock(Workload):
    scaling = WEAK
    tags = ("gil", "lock")
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "lock round trip"

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.counts = [0] * threads

    def before_iteration(self, iteration):
        self.counts = [0] * self.threads

    def run_thread(self, index):
        lock = threading.Lock()
        acquire = lock.acquire
        release = lock.release
        box = [0]
        for _ in range(self.size):
            acquire()
            box[0] += 1
            release()
        self.counts[index] = box[0]

    def ops(self, threads, size):
        return threads * size

    def check(self):
        for i, c in enumerate(self.counts):
            if c != self.size:
                return "thread %d counted %d, expected %d" % (i, c, self.size)
        want = self.threads * self.size
        if sum(self.counts) != want:
            return "total %d, expected %d" % (sum(self.counts), want)
        return None


WORKLOAD = PerThreadLock
