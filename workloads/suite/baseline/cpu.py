"""CPU-bound float math per thread: ``acc += sin(i) * cos(i)`` in a pure-Python loop.

Isolates: interpreter dispatch, two C-function calls and float arithmetic on thread-private
values. Held constant: the same loop, the same ``size`` iterations in every thread, no
shared mutable state, no allocation of inputs in the timed region (floats produced by the
loop are short-lived and freed by the thread that made them). check() verifies every
thread's accumulated sum exactly (every product is folded into it).

Hot objects: none made in advance: the floats are made and freed by the looping thread
itself; the shared ``math.sin``/``math.cos`` builtins are created at import by the main
thread.

Scaling: weak (each thread runs ``size`` iterations; ideal time stays flat as threads grow).
Operation: one loop iteration (one sin, one cos, one multiply-add); ops = threads * size.

Expected: on GIL builds the GIL serialises bytecode execution, so time grows about linearly
with the thread count (N threads take ~N x the 1-thread time). On free-threaded builds (GIL
disabled) threads run in parallel, so time should stay near flat up to the core count. On
3.13t the 1-thread time is higher than on the GIL build because the specialising adaptive
interpreter is disabled in the free-threaded build (no CALL/BINARY_OP specialisation) and
floats come from mimalloc; the shared ``math.sin``/``math.cos`` objects are immortal there
once a second thread has started (3.13t immortalises objects that would use deferred
reference counting; measured: sys.getrefcount = 2**32-1), so their refcounts are never
written. 3.14t enables the specialising interpreter in the free-threaded build (the gap to
the GIL build narrows) and stops that immortalisation (deferred reference counting instead,
where CPython implements it for the object kind); a shortfall from flat scaling on 3.14t
would point at refcount traffic on those shared builtins. Not measured on 3.14 or 3.15 here.
"""
import math

from .. import _shared


def _kernel(n):
    sin = math.sin
    cos = math.cos
    acc = 0.0
    for i in range(n):
        acc += sin(i) * cos(i)  # op
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
