"""Call/return dispatch: calls of a tiny no-argument Python function that returns a constant.

Isolates: the cost of one Python-to-Python call and return through the eval loop (CALL,
frame push, RETURN_CONST/RETURN_VALUE, frame pop) with the smallest possible body. Held
constant: a thread-owned callee (its reference count is never shared with another thread),
no arguments, no free variables, an immortal small-int result. check() verifies each
thread's sum of the results (one per call).

Hot objects: each worker's callee, a nested function created by each worker in
setup_thread() (untimed; it used to be created at the start of every timed body). Nested
functions get neither deferred reference counting nor (3.13t) immortalisation, so the
function object is an ordinary object owned by the worker.

Scaling: weak (each thread makes ``size`` calls).
Operation: one call of the tiny function; ops = threads * size (size must be a multiple of
10).

Expected: on GIL builds the call is specialised (CALL_PY_EXACT_ARGS) and time grows about
linearly with threads (GIL serialisation). On 3.13t the specialising interpreter is
disabled in the free-threaded build, so each call takes the generic CALL path: the 1-thread
time is noticeably higher, but threads run in parallel so the time at N threads stays near
flat up to the core count (GIL disabled). 3.14t enables CALL specialisation in the
free-threaded build, which should bring the 1-thread time close to the GIL build's; not
measured here.
"""
from .. import _shared


def _make_callee():
    def const():
        return 1
    return const


def _run(n, const):
    total = 0
    for _ in range(n // 10):
        # ten calls per loop trip so loop overhead is a small share of each call
        total += const()  # op
        total += const()  # op
        total += const()  # op
        total += const()  # op
        total += const()  # op
        total += const()  # op
        total += const()  # op
        total += const()  # op
        total += const()  # op
        total += const()  # op
    return total


class Dispatch(_shared.PerThreadResults):
    tags = ("bytecode", "call")
    sizes = {"default": 2_000_000, "quick": 80_000}
    op_name = "call"
    unroll = 10
    mismatch = "thread {t} made {got!r} calls, expected {want}"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.callees = [None] * threads

    def setup_thread(self, index):
        self.callees[index] = _make_callee()

    def hot_objects(self, index):
        callee = self.callees[index]
        return None if callee is None else [callee]

    def run_thread(self, index):
        self.results[index] = _run(self.size, self.callees[index])


WORKLOAD = Dispatch
