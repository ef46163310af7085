"""Type-stable operations: each ``+``/``<`` site only ever sees one operand type (int, float or str).

Isolates: the benefit of the specialising adaptive interpreter (PEP 659) on binary
operations whose operand types never change. Input: per thread, ``size`` operand pairs, one
third each (int, int), (float, float) and (str, str), built in setup(). Here each type gets
its own loop, i.e. its own bytecode sites, so every site is monomorphic and can specialise
(BINARY_OP_ADD_INT / _ADD_FLOAT / _ADD_UNICODE, COMPARE_OP_INT / _FLOAT / _STR).
specialization/dynamic_operations performs exactly the same operations on exactly the same
operand values in the same amounts, but through one site that sees the three types in turn
(int, float, str, int, ...), so only type stability differs. Held constant: operand values,
counts per type, the add + compare per pair and the loop shape. (The original pair differed
only in type annotations, which compile to identical bytecode.)

Scaling: weak (each thread processes ``size`` operand pairs from its own input lists).
Operation: one operand pair processed: one add and one less-than comparison.

Expected: on GIL builds (3.12, 3.13) the sites specialise, so per-op time is lower than
dynamic_operations'; N threads take ~N x as long (GIL serialisation). On the free-threaded
build 3.13t the specialising interpreter is disabled, so typed and dynamic run the same
generic code and take about the same time (the typed advantage disappears); they still
scale near-flat with threads (each thread has its own inputs; the objects are created by
the main thread, so their refcounts take the atomic shared path equally in both).
3.14t re-enables BINARY_OP/COMPARE_OP specialisation, which restores the gap.
"""
from . import _operations


def _kernel(ints, floats, strs):
    lt = 0
    for x, y in ints:
        r = x + y
        if x < y:
            lt += 1
    for x, y in floats:
        r = x + y
        if x < y:
            lt += 1
    for x, y in strs:
        r = x + y
        if x < y:
            lt += 1
    return lt


class TypedOperations(_operations.Operations):
    interleaved = False        # inputs[t] = (ints, floats, strs): one loop per type

    def run_thread(self, index):
        ints, floats, strs = self.inputs[index]
        self.results[index] = _kernel(ints, floats, strs)


WORKLOAD = TypedOperations
