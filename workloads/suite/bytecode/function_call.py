"""Closure calls with arguments: calls of a nested ``def f(a, b): return a + b + k``.

Isolates: a Python call that passes two positional arguments and reads one free variable
(LOAD_DEREF through a cell), i.e. the argument-passing and closure part of a call on top
of bytecode/dispatch's bare call/return. Held constant: thread-owned function and cell
objects, small-int arguments and results. check() verifies each thread's sum of the results
exactly.

Hot objects: each worker's closure and its cell, created by each worker in setup_thread()
(untimed; they used to be created at the start of every timed body). Nested functions get
neither deferred reference counting nor (3.13t) immortalisation.

Scaling: weak (each thread makes ``size`` calls).
Operation: one call of the closure; ops = threads * size (size must be a multiple of 10).

Expected: on GIL builds the call specialises to CALL_PY_EXACT_ARGS and the add to
BINARY_OP_ADD_INT; N threads take ~N x as long (GIL serialisation). On 3.13t both sites run
unspecialised (the specialising interpreter is disabled in the free-threaded build) so the
1-thread time is higher, but the threads run in parallel (GIL disabled): near-flat time up
to the core count. 3.14t enables specialisation in the free-threaded build, narrowing the
1-thread gap; not measured here. Compare with bytecode/dispatch for the cost of the
arguments and the cell read.
"""
from .. import _shared


def _make_closure():
    k = 1

    def add(a, b):
        return a + b + k
    return add


def _run(n, add):
    total = 0
    for i in range(n // 10):
        j = i & 63
        total += add(j, 1)  # op
        total += add(j, 2)  # op
        total += add(j, 3)  # op
        total += add(j, 4)  # op
        total += add(j, 5)  # op
        total += add(j, 6)  # op
        total += add(j, 7)  # op
        total += add(j, 8)  # op
        total += add(j, 9)  # op
        total += add(j, 10)  # op
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

    def setup(self, threads, size):
        super().setup(threads, size)
        self.closures = [None] * threads

    def setup_thread(self, index):
        self.closures[index] = _make_closure()

    def hot_objects(self, index):
        add = self.closures[index]
        return None if add is None else [add, add.__closure__[0]]

    def run_thread(self, index):
        self.results[index] = _run(self.size, self.closures[index])

    def expected_results(self):
        return [_expected(self.size)] * self.threads


WORKLOAD = FunctionCall
