"""Type-stable operations: each ``+``/``<`` site only ever sees one operand type (int, float or str).

Isolates: the benefit of the specialising adaptive interpreter (PEP 659) on binary
operations whose operand types never change. Input: per thread, ``size`` operand pairs, one
third each (int, int), (float, float) and (str, str). Here each type gets its own loop, i.e.
its own bytecode sites, so every site is monomorphic and can specialise (BINARY_OP_ADD_INT /
_ADD_FLOAT / _ADD_UNICODE, COMPARE_OP_INT / _FLOAT; a str ``<`` has no specialisation).
specialization/dynamic_operations performs exactly the same operations on exactly the same
operand values in the same amounts, but through one site that sees the three types in turn
(int, float, str, int, ...), so only type stability differs. Held constant: operand values,
counts per type, the add + compare per pair and the loop shape. (The original pair differed
only in type annotations, which compile to identical bytecode.) The comparison tests the
add's result (``r = x + y; if r < y``), so the add cannot be dropped as dead code by an
optimiser and check() verifies its outcome: the count of ``x + y < y`` per thread, computed
independently in setup_thread (about half the pairs; no extra instruction per op compared
with the former ``x < y``).

Hot objects: each worker's three operand lists, their tuples and the ints, floats and strs
in them, created by each worker in setup_thread() (untimed; about ``size`` tuples per
thread, built with the collector paused). Before this, setup() built them on the main
thread, so on free-threaded builds every unpacking and operand use paid about ten
shared-path (atomic) reference-count operations per pair, which dominated what is meant to
measure specialisation.

Scaling: weak (each thread processes ``size`` operand pairs from its own input lists).
Operation: one operand pair processed: one add and one less-than comparison of the sum with
the right operand; ops = threads * size (size must be a multiple of 3).

Expected: on GIL builds the sites specialise, so per-op time is lower than
dynamic_operations' (measured here, dynamic/typed at 1 thread: 1.27 on 3.12, but only 1.05
on 3.13, whose generic paths cost little more for these operand types); N threads take
~N x as long (GIL serialisation). On 3.13t the
specialising interpreter is disabled in the free-threaded build, so typed and dynamic run
the same generic code and take about the same time (the typed advantage disappears); they
still scale near-flat with threads (each thread has its own inputs). 3.14t enables the
specialising interpreter in the free-threaded build (with per-thread copies of the
specialised bytecode), which should restore the typed advantage; not measured here. Pair
specialization: ratio = time per operation of specialization/dynamic_operations (subject)
over specialization/typed_operations (reference). Expected ratio: GIL build, any thread
count: higher; free-threaded build (GIL disabled), any thread count, Python <3.14: equal;
free-threaded build (GIL disabled), any thread count, Python >=3.14: higher.
"""
from . import _operations


def _kernel(ints, floats, strs):
    lt = 0
    for x, y in ints:
        r = x + y  # op
        if r < y:
            lt += 1
    for x, y in floats:
        r = x + y  # op
        if r < y:
            lt += 1
    for x, y in strs:
        r = x + y  # op
        if r < y:
            lt += 1
    return lt


class TypedOperations(_operations.Operations):
    interleaved = False        # inputs[t] = (ints, floats, strs): one loop per type
    pair = _operations.PAIR.side("reference")

    def run_thread(self, index):
        ints, floats, strs = self.inputs[index]
        self.results[index] = _kernel(ints, floats, strs)


WORKLOAD = TypedOperations
