"""Per-thread locks, each guarding its own counter: the uncontended (lock-striped) pattern.

Isolates: the cost of an uncontended ``threading.Lock`` round trip. Each worker has its own
Lock and its own counter, and the lock guards only that counter (the original suite had
per-thread locks guarding one *shared* counter, which is a data race, not a pattern; this is
the valid form: lock striping, one lock per independent piece of state). Held constant: the
same loop body and op count as gil/lock_patterns/shared_lock. check() verifies every
per-thread count (the counter's increase during the iteration) and their total.

Hot objects: each worker's Lock and counter list, created by each worker in setup_thread()
(untimed; they used to be created at the start of every timed body).

Scaling: weak (each thread performs ``size`` locked increments).
Operation: one lock round trip (acquire, increment, release); ops = threads * size.

Expected: on GIL builds the time is about the same as shared_lock (the GIL serialises both;
the Lock itself is uncontended in both), ~N x the 1-thread time. On free-threaded builds
(GIL disabled) nothing is shared: lock acquire/release are uncontended compare-and-swaps on
thread-private cache lines and the objects are owned by their thread (non-atomic biased
refcounting), so time stays near flat up to the core count; the gap to shared_lock at the
same thread count is the price of contention. Not measured on 3.14 or 3.15 here.
"""
import threading

from ftbench.workload import Workload, WEAK


def _kernel(n, lock, box):
    acquire = lock.acquire
    release = lock.release
    for _ in range(n):
        acquire()
        box[0] += 1  # op
        release()


class PerThreadLock(Workload):
    scaling = WEAK
    tags = ("gil", "lock")
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "lock round trip"

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.counts = [0] * threads
        self.locks = [None] * threads
        self.boxes = [None] * threads

    def setup_thread(self, index):
        self.locks[index] = threading.Lock()
        self.boxes[index] = [0]

    def hot_objects(self, index):
        lock = self.locks[index]
        return None if lock is None else [lock, self.boxes[index]]

    def before_iteration(self, iteration):
        self.counts = [0] * self.threads

    def run_thread(self, index):
        box = self.boxes[index]
        start = box[0]
        _kernel(self.size, self.locks[index], box)
        self.counts[index] = box[0] - start

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
