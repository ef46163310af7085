"""String-constant loads: an unrolled loop of ``x = "<non-identifier string>"`` constants.

Isolates: LOAD_CONST + STORE_FAST of string constants that are *not* identifier-like (they
contain spaces), so the compiler does not intern them. Held constant: the same loop shape
and count as bytecode/load_const (ten loads per trip, no allocation, no calls); all threads
load the very same string objects from the shared code object.

Scaling: weak (each thread performs ``size`` loads).
Operation: one LOAD_CONST + STORE_FAST pair.

Expected: on GIL builds (3.12, 3.13) this costs the same as bytecode/load_const and time
grows ~N x with N threads (GIL serialisation). On the free-threaded build 3.13t these
strings are not immortal (see the note below) (unlike the int/float/tuple/bytes constants of
bytecode/load_const; check with sys.getrefcount), so every load is an atomic increment and
every store an atomic decrement on the shared refcount field of an object the thread does
not own (biased reference counting's shared path), and at N threads that field's cache line
ping-pongs between cores: expect the per-load time to rise with the thread count instead of
staying flat; CPython's own ftscalingbench saw such string-constant loads run slower with
threads on 3.13t. Compare with bytecode/load_const at the same thread count.

Note: on 3.13.5t whether a string constant is immortal depends on how its code object was
created (the builtin compile() that importlib uses interns, and so immortalises, every
string constant; exec() of source text, as for a script, leaves non-identifier strings
mortal). The kernel is compiled with exec() from source text at import time so the result
does not depend on how the harness loaded this module; ``constants()`` returns the strings
so their state can be inspected (sys.getrefcount).
"""
from . import _constants

# The kernel: ``x = <constant>`` for each of these, ten per loop trip, compiled with exec()
# at import time (see _constants.compile_kernel).
_run, constants = _constants.compile_kernel((
    '"a string constant"',
    '"another string constant"',
    '"third string, with punctuation"',
    '"fourth string constant"',
    '"fifth string constant"',
    '"sixth string constant"',
    '"seventh string constant"',
    '"eighth string constant"',
    '"ninth string constant"',
    '"last string constant"',
))


class LoadStringConst(_constants.ConstantLoads):
    tags = ("bytecode", "refcount", "immortal", "string")
    last_constant = "last string constant"

    def run_thread(self, index):
        self.results[index] = _run(self.size)


WORKLOAD = LoadStringConst
