"""Dict lookups: subscripting a thread-owned dict with constant string keys.

Isolates: ``d[key]`` (BINARY_SUBSCR on a dict, the string-hash lookup and the returned
reference). Held constant: an 8-key dict per worker (thread-owned, never shared),
identifier-like string keys and small-int values, eight lookups per loop trip, no mutation.
The small ints are immortal on 3.12 and later; the keys are interned string constants,
immortal on 3.12 and on free-threaded builds (measured: sys.getrefcount = 2**32-1), but
3.13's GIL build interns them as mortal strings (measured), so there each lookup also
increfs and decrefs the key (non-atomically: it has the GIL). check() verifies each thread's
sum of the values read.

Hot objects: each worker's dict, created by each worker in setup_thread() (untimed; it used
to be created at the start of every timed body).

Scaling: weak (each thread performs ``size`` lookups).
Operation: one dict lookup; ops = threads * size (size must be a multiple of 8).

Expected: on GIL builds the subscript specialises (BINARY_SUBSCR_DICT) and time grows ~N x
with N threads (GIL serialisation). On free-threaded builds (GIL disabled) the lookup uses
the lock-free read path (no per-object critical section is taken for reads; the dict's keys
object is read optimistically) and the dict is owned by the reading thread (non-atomic
biased refcount), so the threads scale: near-flat time up to the core count, with a higher
1-thread time on 3.13t because specialisation is disabled in its free-threaded build. 3.14t
enables specialisation (per-thread specialised bytecode), narrowing that gap, and keeps
string constants interned and immortal in the free-threaded build. Not measured on 3.14 or
3.15 here.
"""
from .. import _shared


def _make_dict():
    return {"alpha": 1, "beta": 2, "gamma": 3, "delta": 4,
            "epsilon": 5, "zeta": 6, "eta": 7, "theta": 8}


def _run(n, d):
    total = 0
    for _ in range(n // 8):
        total += d["alpha"]  # op
        total += d["beta"]  # op
        total += d["gamma"]  # op
        total += d["delta"]  # op
        total += d["epsilon"]  # op
        total += d["zeta"]  # op
        total += d["eta"]  # op
        total += d["theta"]  # op
    return total


class DictAccess(_shared.PerThreadResults):
    tags = ("bytecode", "dict")
    sizes = {"default": 4_000_000, "quick": 160_000}
    op_name = "dict lookup"
    unroll = 8
    mismatch = "thread {t} summed {got!r}, expected {want!r}"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.dicts = [None] * threads

    def setup_thread(self, index):
        self.dicts[index] = _make_dict()

    def hot_objects(self, index):
        d = self.dicts[index]
        return None if d is None else [d]

    def run_thread(self, index):
        self.results[index] = _run(self.size, self.dicts[index])

    def expected_results(self):
        return [(self.size // 8) * 36] * self.threads


WORKLOAD = DictAccess
