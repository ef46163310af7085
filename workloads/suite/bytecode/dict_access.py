"""Dict lookups: subscripting a thread-owned dict with constant string keys.

Isolates: ``d[key]`` (BINARY_SUBSCR on a dict, the string-hash lookup and the returned
reference). Held constant: an 8-key dict created inside each worker (thread-owned, never
shared), interned string keys and small-int values (both immortal on 3.12+, so the only
reference counting is on the dict itself), eight lookups per loop trip, no mutation.

Scaling: weak (each thread performs ``size`` lookups).
Operation: one dict lookup.

Expected: on GIL builds (3.12, 3.13) the subscript specialises (BINARY_SUBSCR_DICT) and time
grows ~N x with N threads (GIL serialisation). On the free-threaded build (3.13t) the lookup
uses the lock-free read path (no per-object critical section is taken for reads; the dict's
keys object is read optimistically) and the dict is owned by the reading thread (non-atomic
biased refcount), so the threads scale: near-flat time up to the core count, with a higher
1-thread time because specialisation is disabled in 3.13t.
"""
from .. import _shared


def _run(n):
    d = {"alpha": 1, "beta": 2, "gamma": 3, "delta": 4,
         "epsilon": 5, "zeta": 6, "eta": 7, "theta": 8}
    total = 0
    for _ in range(n // 8):
        total += d["alpha"]
        total += d["beta"]
        total += d["gamma"]
        total += d["delta"]
        total += d["epsilon"]
        total += d["zeta"]
        total += d["eta"]
        total += d["theta"]
    return total


class DictAccess(_shared.PerThreadResults):
    tags = ("bytecode", "dict")
    sizes = {"default": 4_000_000, "quick": 160_000}
    op_name = "dict lookup"
    unroll = 8
    mismatch = "thread {t} summed {got!r}, expected {want!r}"

    def run_thread(self, index):
        self.results[index] = _run(self.size)

    def expected_results(self):
        return [(self.size // 8) * 36] * self.threads


WORKLOAD = DictAccess
