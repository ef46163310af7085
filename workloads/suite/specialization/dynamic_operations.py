"""Type-unstable operations: one ``+``/``<`` site sees int, float and str operands in turn.

Isolates: what a polymorphic operand stream costs the specialising adaptive interpreter
(PEP 659): a site specialised for one type deoptimises on the next pair (a different type),
so it keeps missing, backing off and re-specialising, and mostly runs the generic
BINARY_OP/COMPARE_OP path. Input: per thread, ``size`` operand pairs interleaved
(int, int), (float, float), (str, str), (int, int), ..., so the operand type changes on
every single operation. Held constant against specialization/typed_operations: the very
same pairs (same values, same counts per type, same add + compare per pair, same loop
shape); only the per-site type stability differs. The comparison tests the add's result
(``r = x + y; if r < y``), so the add cannot be dropped as dead code and check() verifies
its outcome (the count of ``x + y < y``, computed independently in setup_thread).

Hot objects: each worker's interleaved operand list, its tuples and the ints, floats and
strs in them, created by each worker in setup_thread() (untimed, collector paused), so the
worker owns everything it reads (before, setup() built them on the main thread).

Scaling: weak (each thread processes ``size`` operand pairs from its own input list).
Operation: one operand pair processed: one add and one less-than comparison of the sum with
the right operand; ops = threads * size (size must be a multiple of 3).

Expected: on GIL builds per-op time is higher than typed_operations' (generic dispatch plus
deoptimisation churn instead of BINARY_OP_ADD_INT & co.); N threads take ~N x as long (GIL
serialisation). On 3.13t the specialising interpreter is disabled in the free-threaded
build, so typed and dynamic run the same generic code: expect about equal per-op times,
both scaling near-flat with threads. 3.14t enables specialisation in the free-threaded build
(per-thread specialised bytecode), which should restore the typed advantage; not measured
here. Pair specialization: ratio = time per operation of specialization/dynamic_operations
(subject) over specialization/typed_operations (reference). Expected ratio: GIL build, any
thread count: higher; free-threaded build (GIL disabled), any thread count, Python <3.14:
equal; free-threaded build (GIL disabled), any thread count, Python >=3.14: higher.
"""
from . import _operations


def _kernel(mixed):
    lt = 0
    for x, y in mixed:
        r = x + y  # op
        if r < y:
            lt += 1
    return lt


class DynamicOperations(_operations.Operations):
    interleaved = True         # inputs[t] = int, float, str, int, ... pairs in one list
    pair = _operations.PAIR.side("subject")

    def run_thread(self, index):
        self.results[index] = _kernel(self.inputs[index])


WORKLOAD = DynamicOperations
