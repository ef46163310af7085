"""CPU-bound float math per thread: ``acc += sin(i) * cos(i)`` in a pure-Python loop.

Isolates: interpreter dispatch, two C-function calls and float arithmetic on thread-private
values. Held constant: the same loop, the same ``size`` iterations in every thread, no
shared mutable state, no allocation of inputs in the timed region (floats produced by the
loop are short-lived and freed by the thread that made them).

Scaling: weak (each thread runs ``size`` iterations; ideal time stays flat as threads grow).
Operation: one loop iteration (one sin, one cos, one multiply-add).

Expected: on GIL builds (3.12, 3.13) the GIL serialises bytecode execution, so time grows
about linearly with the thread count (N threads take ~N x the 1-thread time). On the
free-threaded build (3.13t) threads run in parallel, so time should stay near flat up to the
core count; the 1-thread time is higher than on 3.12/3.13 because the specialising adaptive
interpreter is disabled in 3.13t (no CALL/BINARY_OP specialisation) and floats come from
mimalloc. The shared ``math.sin``/``math.cos`` objects are marked for deferred reference
counting on 3.13t, which keeps most refcount traffic off their (shared) cache lines; a
shortfall from flat scaling would point at what is left of it. 3.14t re-enables most
specialisation.
"""
import math

from .. import _shared


def _kernel(n):
    sin = math.sin
    cos = math.cos
    acc = 0.0
    for i in range(n):
        acc += sin(i) * cos(i)
    return acc


class CpuBaseline(_shared.PerThreadResults):
    tags = ("baseline", "cpu")
    sizes = {"default": 400_000, "quick": 16_000}
    op_name = "sin*cos accumulate"
    mismatch = "thread {t} accumulated {got!r}, expected {want!r}"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.expected = _kernel(size)

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)

    def expected_results(self):
        return [self.expected] * self.threads


WORKLOAD = CpuBaseline
