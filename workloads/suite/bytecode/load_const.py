"""Constant loads: an unrolled loop of ``x = <constant>`` over int, float, tuple and bytes constants.

Isolates: LOAD_CONST (pushing a reference to a code-object constant) and STORE_FAST
(dropping the previous local), the cheapest instructions that still touch a reference count.
Held constant: ten loads per loop trip over non-string constants (large ints, floats,
tuples, bytes), no allocation, no calls; all threads execute the same code object and so
load the very same constant objects. String constants are measured separately by
bytecode/load_string_const.

Scaling: weak (each thread performs ``size`` loads).
Operation: one LOAD_CONST + STORE_FAST pair.

Expected: on GIL builds (3.12, 3.13) each load increfs the constant non-atomically and the
GIL serialises threads, so time grows ~N x with N threads. All threads share the constant
objects, so a free-threaded build would turn each load into an atomic increment on a shared
cache line (ping-pong between cores); 3.13t avoids that by making code-object constants
immortal (sys.getrefcount reports 2**32-1 for them on 3.13t, a small number on 3.12/3.13),
so the incref is skipped and the threads scale: expect near-flat time up to the core count
on 3.13t, and about the same 1-thread time as 3.12 (LOAD_CONST needs no specialisation).

Note: on 3.13.5t whether a constant is made immortal depends on how its code object was
created (unmarshalled from a .pyc: immortal; builtin compile(), which importlib uses when
there is no .pyc: int/float/tuple/bytes constants stay mortal). The kernel is therefore
compiled with exec() from source text at import time, which on 3.13.5t immortalises all of
these constants whichever way the module was loaded; ``constants()`` returns them so their
state can be inspected (sys.getrefcount).
"""
from ftbench.workload import Workload, WEAK

# The kernel is compiled from source text with exec() at import time, so the state of its
# constants (mortal or immortal on free-threaded builds) does not depend on whether this
# module itself was imported from a .pyc or compiled from source: on 3.13.5t a code object
# unmarshalled from a .pyc, one made by compile() and one made by exec(str) do not give their
# constants the same treatment.
_KERNEL_SOURCE = """
def _run(n):
    x = None
    for _ in range(n // 10):
        x = 123456789
        x = 2.5
        x = (1, 2, 3)
        x = b"bytes"
        x = 10 ** 12
        x = 987654321
        x = 7.25
        x = ("x", 1.5)
        x = 3.0e10
        x = b"more bytes"
    return x
"""
_namespace = {}
exec(_KERNEL_SOURCE, _namespace)
_run = _namespace["_run"]


def constants():
    """The constant objects the kernel loads (for tests and inspection)."""
    return tuple(c for c in _run.__code__.co_consts
                 if c is not None and not (type(c) is int and -5 <= c <= 256))


class LoadConst(Workload):
    scaling = WEAK
    tags = ("bytecode", "refcount", "immortal")
    sizes = {"default": 5_000_000, "quick": 200_000}
    op_name = "constant load"

    def setup(self, threads, size):
        if size % 10:
            raise ValueError("size must be a multiple of 10")
        self.threads, self.size = threads, size
        self.results = [None] * threads

    def before_iteration(self, iteration):
        self.results = [None] * self.threads

    def run_thread(self, index):
        self.results[index] = _run(self.size)

    def ops(self, threads, size):
        return threads * (size // 10) * 10

    def check(self):
        for i, r in enumerate(self.results):
            if r != b"more bytes":
                return "thread %d: unexpected last constant %r" % (i, r)
        return None


WORKLOAD = LoadConst
