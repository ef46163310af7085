"""One lock around everything: all threads' work runs under one shared ``threading.Lock``.

Isolates: fully serialised work: each thread repeatedly takes the one lock and does a
batch of 256 increments of a shared counter while holding it, so no two threads ever run
the work at the same time, on any build. Held constant: total work per thread; batch size
(long enough that hold time dominates the hand-offs, short enough that the lock changes
hands thousands of times per iteration). check() verifies the counter total exactly.

Hot objects: the one Lock and the one counter list, created by the main thread in setup()
and shared by every worker.

Scaling: weak (each thread performs ``size`` increments).
Operation: one increment done while holding the lock; ops = threads * size (size must be a
multiple of 256).

Expected: no parallel speed-up anywhere: on GIL builds and on free-threaded builds alike, N
threads take ~N x the 1-thread time (the free-threaded build cannot beat a lock the program
takes; the original suite measured ~1.0x scaling on 3.13t). The free-threaded build may be
slightly worse: waiters park on futexes and wake on another core, so the counter's cache
line migrates at every hand-off (futex calls and context switches per iteration grow with
N). Nothing this relies on changed in 3.14; not measured on 3.14 or 3.15 here.
"""
from .. import _shared

BATCH = 256


class LockContention(_shared.SharedCounter):
    tags = ("scaling", "lock", "contention")
    sizes = {"default": 1_024_000, "quick": 40_960}
    op_name = "locked increment"
    unroll = BATCH
    mismatch = "counter is %d, expected %d"

    def run_thread(self, index):
        lock = self.lock
        box = self.box
        for _ in range(self.size // BATCH):
            with lock:
                for _ in range(BATCH):
                    box[0] += 1  # op


WORKLOAD = LockContention
