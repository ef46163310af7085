"""Type-unstable operations: one ``+``/``<`` site sees int, float and str operands in turn.

Isolates: what a polymorphic operand stream costs the specialising adaptive interpreter
(PEP 659): a site specialised for one type deoptimises on the next pair (a different type),
so it keeps missing, backing off and re-specialising, and mostly runs the generic
BINARY_OP/COMPARE_OP path. Input: per thread, ``size`` operand pairs interleaved
(int, int), (float, float), (str, str), (int, int), ... built in setup(), so the operand
type changes on every single operation. Held constant against
specialization/typed_operations: the very same pairs (same values, same counts per type,
same add + compare per pair, same loop shape); only the per-site type stability differs.

Scaling: weak (each thread processes ``size`` operand pairs from its own input list).
Operation: one operand pair processed: one add and one less-than comparison.

Expected: on GIL builds (3.12, 3.13) per-op time is higher than typed_operations' (generic
dispatch plus deoptimisation churn instead of BINARY_OP_ADD_INT & co.); N threads take ~N x
as long (GIL serialisation). On the free-threaded build 3.13t specialisation is disabled, so
typed and dynamic run the same generic code: expect about equal per-op times, both scaling
near-flat with threads. 3.14t re-enables BINARY_OP/COMPARE_OP specialisation, restoring the
typed advantage.
"""
import gc

from ftbench.workload import Workload, WEAK

KINDS = 3


def make_operands(n, seed=0):
    """Same pairs as typed_operations.make_operands, interleaved int, float, str, int, ..."""
    per = n // KINDS
    ints = [(1000 + (i * 7919 + seed) % 100000, 1000 + (i * 104729 + seed) % 100000)
            for i in range(per)]
    floats = [(a + 0.5, b + 0.25) for a, b in ints]
    strs = [("k%d" % a, "v%d" % b) for a, b in ints]
    mixed = []
    for triple in zip(ints, floats, strs):
        mixed.extend(triple)
    return mixed


def _kernel(mixed):
    lt = 0
    for x, y in mixed:
        r = x + y
        if x < y:
            lt += 1
    return lt


class DynamicOperations(Workload):
    scaling = WEAK
    tags = ("specialization", "bytecode")
    sizes = {"default": 900_000, "quick": 36_000}
    op_name = "operand pair (add + compare)"

    def setup(self, threads, size):
        if size % KINDS:
            raise ValueError("size must be a multiple of %d" % KINDS)
        self.threads, self.size = threads, size
        # Build ~size tuples per thread with the collector paused: the free-threaded
        # build's collector is not generational, so collections triggered while
        # building a large heap would rescan all of it (seconds of setup on 3.13t).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self.inputs = [make_operands(size, seed=t) for t in range(threads)]
        finally:
            if was_enabled:
                gc.enable()
        self.expected = [sum(1 for x, y in inp if x < y) for inp in self.inputs]
        self.results = [None] * threads

    def before_iteration(self, iteration):
        self.results = [None] * self.threads

    def run_thread(self, index):
        self.results[index] = _kernel(self.inputs[index])

    def ops(self, threads, size):
        return threads * (size // KINDS) * KINDS

    def check(self):
        for t in range(self.threads):
            if self.results[t] != self.expected[t]:
                return "thread %d counted %r, expected %r" % (t, self.results[t], self.expected[t])
        return None


WORKLOAD = DynamicOperations
