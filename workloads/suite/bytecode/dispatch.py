"""Call/return dispatch: calls of a tiny no-argument Python function that returns a constant.

Isolates: the cost of one Python-to-Python call and return through the eval loop (CALL,
frame push, RETURN_CONST/RETURN_VALUE, frame pop) with the smallest possible body. Held
constant: the callee is created inside the worker (a thread-owned function object, so its
reference count is never shared with another thread), no arguments, no free variables,
an immortal small-int result.

Scaling: weak (each thread makes ``size`` calls).
Operation: one call of the tiny function.

Expected: on GIL builds (3.12, 3.13) the call is specialised (CALL_PY_EXACT_ARGS) and time
grows about linearly with threads (GIL serialisation). On the free-threaded build (3.13t)
specialisation is disabled, so each call takes the generic CALL path: the 1-thread time is
noticeably higher, but threads run in parallel so the time at N threads stays near flat up
to the core count. 3.14t re-enables CALL specialisation.
"""
from .. import _shared


def _run(n):
    def const():
        return 1

    total = 0
    for _ in range(n // 10):
        # ten calls per loop trip so loop overhead is a small share of each call
        total += const()
        total += const()
        total += const()
        total += const()
        total += const()
        total += const()
        total += const()
        total += const()
        total += const()
        total += const()
    return total


class Dispatch(_shared.PerThreadResults):
    tags = ("bytecode", "call")
    sizes = {"default": 2_000_000, "quick": 80_000}
    op_name = "call"
    unroll = 10
    mismatch = "thread {t} made {got!r} calls, expected {want}"

    def run_thread(self, index):
        self.results[index] = _run(self.size)


WORKLOAD = Dispatch
