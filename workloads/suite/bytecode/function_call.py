"""Closure calls with arguments: calls of a nested ``def f(a, b): return a + b + k``.

Isolates: a Python call that passes two positional arguments and reads one free variable
(LOAD_DEREF through a cell), i.e. the argument-passing and closure part of a call on top
of bytecode/dispatch's bare call/return. Held constant: the closure is created inside the
worker (thread-owned function and cell objects), small-int arguments and results.

Scaling: weak (each thread makes ``size`` calls).
Operation: one call of the closure.

Expected: on GIL builds (3.12, 3.13) the call specialises to CALL_PY_EXACT_ARGS and the add
to BINARY_OP_ADD_INT; N threads take ~N x as long (GIL serialisation). On the free-threaded
build (3.13t) both sites run unspecialised (specialisation is disabled in 3.13t) so the
1-thread time is higher, but the threads run in parallel: near-flat time up to the core
count. Compare with bytecode/dispatch for the cost of the arguments and the cell read.
"""
from .. import _shared


def _run(n):
    k = 1

    def add(a, b):
        return a + b + k

    total = 0
    for i in range(n // 10):
        j = i & 63
        total += add(j, 1)
        total += add(j, 2)
        total += add(j, 3)
        total += add(j, 4)
        total += add(j, 5)
        total += add(j, 6)
        total += add(j, 7)
        total += add(j, 8)
        total += add(j, 9)
        total += add(j, 10)
    return total


def _expected(n):
    trips = n // 10
    full, rest = divmod(trips, 64)
    js = full * (63 * 64 // 2) + (rest - 1) * rest // 2
    return 10 * js + trips * (55 + 10)


class FunctionCall(_shared.PerThreadResults):
    tags = ("bytecode", "call", "closure")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "call"
    unroll = 10
    mismatch = "thread {t} computed {got!r}, expected {want!r}"

    def run_thread(self, index):
        self.results[index] = _run(self.size)

    def expected_results(self):
        return [_expected(self.size)] * self.threads


WORKLOAD = FunctionCall
