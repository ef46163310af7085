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
from . import _operations


def _kernel(mixed):
    lt = 0
    for x, y in mixed:
        r = x + y
        if x < y:
            lt += 1
    return lt


class DynamicOperations(_operations.Operations):
    interleaved = True         # inputs[t] = int, float, str, int, ... pairs in one list

    def run_thread(self, index):
        self.results[index] = _kernel(self.inputs[index])


WORKLOAD = DynamicOperations
