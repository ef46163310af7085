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
from ftbench.workload import Workload, WEAK


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


class DictAccess(Workload):
    scaling = WEAK
    tags = ("bytecode", "dict")
    sizes = {"default": 4_000_000, "quick": 160_000}
    op_name = "dict lookup"

    def setup(self, threads, size):
        if size % 8:
            raise ValueError("size must be a multiple of 8")
        self.threads, self.size = threads, size
        self.results = [None] * threads

    def before_iteration(self, iteration):
        self.results = [None] * self.threads

    def run_thread(self, index):
        self.results[index] = _run(self.size)

    def ops(self, threads, size):
        return threads * (size // 8) * 8

    def check(self):
        want = (self.size // 8) * 36
        for i, r in enumerate(self.results):
            if r != want:
                return "thread %d summed %r, expected %r" % (i, r, want)
        return None


WORKLOAD = DictAccess
