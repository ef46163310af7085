"""Python function calls: ``next_number(i)`` on a module-level function shared by all threads.

Isolates: calling a top-level Python function reached through a global (ftscalingbench
``pyfunction``), unlike bytecode/dispatch whose callee is thread-owned. Held constant: a
one-line callee (``return i + 1``), small-int arguments; no per-thread objects. check()
verifies each thread's last result (``size``). The results are not summed: every sum above
256 is a newly allocated int, which measured 3-50 % of an operation (most on 3.13t, whose
int allocation is slower), too much to add to a call benchmark; a call cannot be dropped
without inlining the callee, so keeping the last result keeps every call.

Hot objects: none made in advance: the function ``next_number`` is module-level, created at
import by the main thread and shared by every worker (that sharing is the point).

Scaling: weak (each thread makes ``size`` calls).
Operation: one function call; ops = threads * size.

Expected: GIL builds: LOAD_GLOBAL_MODULE + CALL_PY_EXACT_ARGS, ~N x the 1-thread time (GIL
serialisation). Free-threaded builds (GIL disabled): on 3.13t unspecialised, so slower per
call, but top-level functions would use deferred reference counting, and 3.13t makes such
objects immortal once a second thread has started (measured), so the shared function
object's refcount is never written and threads should scale near-flat up to the core count.
3.14 replaces that immortalisation with deferred reference counting plus stack references
(and specialises the call in the free-threaded build); time growing with threads there
would show remaining refcount contention on the function. Not measured on 3.14 or 3.15 here.
"""
from .. import _shared


def next_number(i):
    return i + 1


def _kernel(n):
    accu = 0
    for i in range(n):
        accu = next_number(i)  # op
    return accu


class PyFunctionCall(_shared.PerThreadResults):
    tags = ("scaling", "call", "ftscalingbench")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "function call"
    mismatch = "thread {t} got {got!r} from its last call, expected {want!r}"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)


WORKLOAD = PyFunctionCall
