"""Shared implementation of specialization/typed_operations and dynamic_operations (not a workload).

Both process the very same operand pairs (:func:`make_operands`); typed_operations keeps them
as three per-type lists (one loop, so one set of bytecode sites, per type), dynamic_operations
interleaves them into one list (:func:`interleave`) walked by one loop. Each workload keeps
its own kernel and ``run_thread``; input building, op count and check are this module's.
"""
import gc

from .. import _shared

KINDS = 3


def make_operands(n, seed=0):
    """Return (ints, floats, strs): n // 3 pairs each; identical values in both workloads."""
    per = n // KINDS
    ints = [(1000 + (i * 7919 + seed) % 100000, 1000 + (i * 104729 + seed) % 100000)
            for i in range(per)]
    floats = [(a + 0.5, b + 0.25) for a, b in ints]
    strs = [("k%d" % a, "v%d" % b) for a, b in ints]
    return ints, floats, strs


def interleave(ints, floats, strs):
    """The same pairs in one list: int, float, str, int, ... (the type changes every pair)."""
    mixed = []
    for triple in zip(ints, floats, strs):
        mixed.extend(triple)
    return mixed


class Operations(_shared.PerThreadResults):
    tags = ("specialization", "bytecode")
    sizes = {"default": 900_000, "quick": 36_000}
    op_name = "operand pair (add + compare)"
    unroll = KINDS
    mismatch = "thread {t} counted {got!r}, expected {want!r}"
    interleaved = None         # set by each workload: inputs[t] is one mixed list (True)
                               # or the (ints, floats, strs) lists (False)

    def setup(self, threads, size):
        super().setup(threads, size)
        # Build ~size tuples per thread with the collector paused: the free-threaded
        # build's collector is not generational, so collections triggered while
        # building a large heap would rescan all of it (seconds of setup on 3.13t).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            parts = [make_operands(size, seed=t) for t in range(threads)]
            self.inputs = [interleave(*p) for p in parts] if self.interleaved else parts
        finally:
            if was_enabled:
                gc.enable()
        self.expected = [sum(1 for part in p for x, y in part if x < y) for p in parts]

    def expected_results(self):
        return self.expected
