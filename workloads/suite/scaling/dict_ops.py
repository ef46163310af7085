"""Dict operations: store then look up a key in a thread-owned dict, over 64 rotating keys.

Isolates: dict writes and reads (STORE_SUBSCR/BINARY_SUBSCR on a dict) on a dict private to
the thread. Held constant: one dict per worker, created inside the worker, small-int keys
0..63 and small-int values (immortal on 3.12+, so no refcount traffic on them), no resizing
after the first 64 stores.

Scaling: weak (each thread performs ``size`` store+lookup pairs).
Operation: one ``d[k] = v`` plus one ``d[k]``.

Expected: GIL builds (3.12, 3.13): STORE_SUBSCR_DICT/BINARY_SUBSCR_DICT, ~N x the 1-thread
time (GIL serialisation). Free-threaded (3.13t): every store takes the dict's per-object
critical section (uncontended here, so a cheap mutex lock/unlock on a line the thread owns),
reads take the lock-free path; no specialisation in 3.13t, so slower per op, but the threads
scale near-flat up to the core count because nothing is shared.
"""
from .. import _shared


def _kernel(n):
    d = {}
    total = 0
    for i in range(n):
        k = i & 63
        d[k] = k
        total += d[k]
    return total


class DictOps(_shared.PerThreadResults):
    tags = ("scaling", "dict")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "dict store+lookup"
    mismatch = "thread {t} summed {got!r}, expected {want}"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)

    def expected_results(self):
        return [sum(i & 63 for i in range(self.size))] * self.threads


WORKLOAD = DictOps
