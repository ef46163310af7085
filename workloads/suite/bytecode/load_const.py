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

    def run_thread(self, index):
        self.results[index] = _run(self.size)


WORKLOAD = LoadConst
