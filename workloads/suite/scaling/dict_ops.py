"""Dict operations: store then look up a key in a thread-owned dict, over 64 rotating keys.

Isolates: dict writes and reads (STORE_SUBSCR/BINARY_SUBSCR on a dict) on a dict private to
the thread. Held constant: one dict per worker, small-int keys 0..63 and small-int values
(immortal on 3.12+, so no refcount traffic on them), no resizing after the first 64 stores
(the dict persists across iterations, so only the first warm-up iteration grows it). check()
verifies each thread's sum of the values read.

Hot objects: each worker's dict, created by each worker in setup_thread() (untimed; it used
to be created, and grown, at the start of every timed body).

Scaling: weak (each thread performs ``size`` store+lookup pairs).
Operation: one ``d[k] = v`` plus one ``d[k]``; ops = threads * size.

Expected: GIL builds: STORE_SUBSCR_DICT/BINARY_SUBSCR_DICT, ~N x the 1-thread time (GIL
serialisation). Free-threaded builds (GIL disabled): every store takes the dict's per-object
critical section (uncontended here, so a cheap mutex lock/unlock on a line the thread owns),
reads take the lock-free path; on 3.13t no specialisation in the free-threaded build, so
slower per op, but the threads scale near-flat up to the core count because nothing is
shared. 3.14t specialises these sites in the free-threaded build too. Not measured on 3.14
or 3.15 here.
"""
from .. import _shared


def _kernel(n, d):
    total = 0
    for i in range(n):
        k = i & 63
        d[k] = k  # op
        total += d[k]
    return total


class DictOps(_shared.PerThreadResults):
    tags = ("scaling", "dict")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "dict store+lookup"
    mismatch = "thread {t} summed {got!r}, expected {want}"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.dicts = [None] * threads

    def setup_thread(self, index):
        self.dicts[index] = {}

    def hot_objects(self, index):
        d = self.dicts[index]
        return None if d is None else [d]

    def run_thread(self, index):
        self.results[index] = _kernel(self.size, self.dicts[index])

    def expected_results(self):
        return [sum(i & 63 for i in range(self.size))] * self.threads


WORKLOAD = DictOps
