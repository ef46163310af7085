"""Constant loads: an unrolled loop of ``x = <constant>`` over int, float, tuple and bytes constants.

Isolates: LOAD_CONST (pushing a reference to a code-object constant) and STORE_FAST
(dropping the previous local), the cheapest instructions that still touch a reference count.
Held constant: ten loads per loop trip over non-string constants (large ints, floats,
tuples, bytes), no allocation, no calls; all threads execute the same code object and so
load the very same constant objects. String constants are measured separately by
bytecode/load_string_const. check() verifies, per thread, the last constant loaded and the
number of loop trips (the loop variable, at no cost per load), and that the ten constants
are immortal or mortal as stated below for this build and version (sys._is_immortal from
3.14; on 64-bit 3.12/3.13 the immortal reference count 2**32-1; skipped where neither
exists).

Hot objects: the ten constants, created at import by the main thread (the kernel's code
object is compiled from source text with exec() when the module is imported); shared by
every worker.

Scaling: weak (each thread performs ``size`` loads).
Operation: one LOAD_CONST + STORE_FAST pair; ops = threads * size (size must be a multiple
of 10).

Expected: on GIL builds each load increfs the constant non-atomically (the constants are
mortal there) and the GIL serialises threads, so time grows ~N x with N threads. All threads
share the constant objects, so a free-threaded build would turn each load into an atomic
increment on a shared cache line (ping-pong between cores); free-threaded builds avoid that
by making code-object constants immortal (3.13t: sys.getrefcount reports 2**32-1 for them;
3.14 keeps immortalising numeric, bytes and tuple constants, gh-130851), so the incref is
skipped and the threads scale: expect near-flat time up to the core count, and about the
same 1-thread time as the GIL build (LOAD_CONST needs no specialisation). Constants: immortal
on free-threaded builds, mortal on GIL builds (any version). Note: on 3.13.5t whether a
constant is made immortal depends on how its code object was created (unmarshalled from a
.pyc: immortal; builtin compile(), which importlib uses when there is no .pyc: int, float,
tuple and bytes constants stay mortal; 3.14 keeps that compile() exception). The kernel is
therefore compiled with exec() from source text at import time, which immortalises all of
these constants on free-threaded builds whichever way the module was loaded;
``constants()`` returns them. Pair constant_loads: ratio = time per operation of
bytecode/load_string_const (subject) over bytecode/load_const (reference). Expected ratio:
GIL build, any thread count: equal; free-threaded build (GIL disabled), any thread count,
Python <3.14: higher; free-threaded build (GIL disabled), any thread count, Python >=3.14:
equal.
"""
from . import _constants

# The kernel: ``x = <constant>`` for each of these, ten per loop trip, compiled with exec()
# at import time (see _constants.compile_kernel).
_run, constants = _constants.compile_kernel((
    '123456789',
    '2.5',
    '(1, 2, 3)',
    'b"bytes"',
    '10 ** 12',
    '987654321',
    '7.25',
    '("x", 1.5)',
    '3.0e10',
    'b"more bytes"',
))


class LoadConst(_constants.ConstantLoads):
    tags = ("bytecode", "refcount", "immortal")
    last_constant = b"more bytes"
    constants = staticmethod(constants)
    # (free-threaded build?, Python versions, immortal?): as the docstring says
    immortality = ((True, "any", True), (False, "any", False))
    pair = _constants.PAIR.side("reference")

    def run_thread(self, index):
        self.results[index] = _run(self.size)


WORKLOAD = LoadConst
