"""Shared implementation of specialization/typed_operations and dynamic_operations (not a workload).

Both process the very same operand pairs (:func:`make_operands`); typed_operations keeps them
as three per-type lists (one loop, so one set of bytecode sites, per type), dynamic_operations
interleaves them into one list (:func:`interleave`) walked by one loop. Each worker builds
its own operands in ``setup_thread`` (so it owns them). Each workload keeps its own kernel;
input building, op count, check and the pair declaration are this module's.
"""
import threading

from .. import _shared

KINDS = 3

PAIR = _shared.Pair("specialization",
                    subject="specialization/dynamic_operations",
                    reference="specialization/typed_operations",
                    expected=[{"build": "gil", "threads": "any", "ratio": "higher"},
                              {"build": "free_threaded", "threads": "any", "python": "<3.14",
                               "ratio": "equal"},
                              {"build": "free_threaded", "threads": "any", "python": ">=3.14",
                               "ratio": "higher"}])


def make_operands(n, seed=0):
    """Return (ints, floats, strs): n // 3 pairs (x, y) each; identical values in both
    workloads. For every type ``x + y < y`` holds exactly when the int ``x`` of that index is
    negative (about half the pairs), so the comparison depends on the add's result."""
    per = n // KINDS
    ints = [((i * 7919 + seed) % 100000 - 50000, 1000 + (i * 104729 + seed) % 100000)
            for i in range(per)]
    floats = [(a + 0.5, b + 0.25) for a, b in ints]
    # "m..." + y < y exactly when y starts with a letter after "m": "z" for negative a.
    strs = [("m%d" % abs(a), ("z%d" if a < 0 else "a%d") % b) for a, b in ints]
    return ints, floats, strs


def interleave(ints, floats, strs):
    """The same pairs in one list: int, float, str, int, ... (the type changes every pair)."""
    mixed = []
    for triple in zip(ints, floats, strs):
        mixed.extend(triple)
    return mixed


def expected_count(parts):
    """How many pairs satisfy ``x + y < y`` (what each kernel counts), computed untimed."""
    return sum(1 for part in parts for x, y in part if x + y < y)


class Operations(_shared.PerThreadResults):
    tags = ("specialization", "bytecode")
    sizes = {"default": 900_000, "quick": 36_000}
    op_name = "operand pair (add + compare)"
    unroll = KINDS
    mismatch = "thread {t} counted {got!r} sums below their right operand, expected {want!r}"
    interleaved = None         # set by each workload: inputs[t] is one mixed list (True)
                               # or the (ints, floats, strs) lists (False)

    def setup(self, threads, size):
        super().setup(threads, size)
        self.inputs = [None] * threads       # built by each worker in setup_thread
        self.expected = [None] * threads
        self.creators = [None] * threads

    def setup_thread(self, index):
        # Built in the worker, so every list, tuple, int, float and str of the input belongs
        # to the thread that reads it (on free-threaded builds its refcounts stay on the
        # owner's non-atomic path). ~size tuples per thread: the collector is paused.
        with _shared.gc_paused():
            parts = make_operands(self.size, seed=index)
            self.inputs[index] = interleave(*parts) if self.interleaved else parts
        self.expected[index] = expected_count(parts)
        self.creators[index] = threading.get_ident()

    def hot_objects(self, index):
        inputs = self.inputs[index]
        if inputs is None:
            return None
        lists = [inputs] if self.interleaved else list(inputs)
        objects = list(lists)
        for seq in lists:
            for pair in (seq[0], seq[1], seq[-1]):
                objects.append(pair)
                objects.extend(pair)
        return objects

    def expected_results(self):
        return self.expected
