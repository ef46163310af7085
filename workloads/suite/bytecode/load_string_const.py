"""String-constant loads: an unrolled loop of ``x = "<non-identifier string>"`` constants.

Isolates: LOAD_CONST + STORE_FAST of string constants that are *not* identifier-like (they
contain spaces), so the compiler of a GIL build does not intern them. Held constant: the
same loop shape and count as bytecode/load_const (ten loads per trip, no allocation, no
calls); all threads load the very same string objects from the shared code object. check()
verifies, per thread, the last constant loaded and the number of loop trips, and that the
ten strings are immortal or mortal as stated below for this build and version (sys._is_immortal
from 3.14; on 64-bit 3.12/3.13 the immortal reference count 2**32-1; skipped where neither
exists).

Hot objects: the ten strings, created at import by the main thread (exec() of the kernel's
source text when the module is imported); shared by every worker.

Scaling: weak (each thread performs ``size`` loads).
Operation: one LOAD_CONST + STORE_FAST pair; ops = threads * size (size must be a multiple
of 10).

Expected: on GIL builds this costs the same as bytecode/load_const and time grows ~N x with
N threads (GIL serialisation). On 3.13t these strings are not immortal (see the note below)
(unlike the int/float/tuple/bytes constants of bytecode/load_const), so every load is an
atomic increment and every store an atomic decrement on the shared refcount field of an
object the thread does not own (biased reference counting's shared path), and at N threads
that field's cache line ping-pongs between cores: expect the per-load time to rise with the
thread count instead of staying flat, and to be above load_const's already at 1 thread;
CPython's own ftscalingbench saw such string-constant loads run slower with threads on
3.13t. From 3.14 the free-threaded build interns, and so immortalises, every string
constant of a code object (gh-130851; compile() no longer exempts strings), so this
workload then loads immortal strings like load_const and the contrast disappears (not
measured here: no 3.14 interpreter was available). Constants: mortal on GIL builds (any
version) and on free-threaded builds before 3.14; immortal on free-threaded 3.14 and later.
Note: on 3.13.5t whether a string constant is immortal depends on how its code object was
created (the builtin compile() that importlib uses interns, and so immortalises, every
string constant; exec() of source text, as for a script, leaves non-identifier strings
mortal). The kernel is compiled with exec() from source text at import time so the result
does not depend on how the harness loaded this module; ``constants()`` returns the strings.
Pair constant_loads: ratio = time per operation of bytecode/load_string_const (subject) over
bytecode/load_const (reference). Expected ratio: GIL build, any thread count: equal;
free-threaded build (GIL disabled), any thread count, Python <3.14: higher; free-threaded
build (GIL disabled), any thread count, Python >=3.14: equal.
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
    constants = staticmethod(constants)
    # (free-threaded build?, Python versions, immortal?): as the docstring says
    immortality = ((True, "<3.14", False), (True, ">=3.14", True), (False, "any", False))
    pair = _constants.PAIR.side("subject")

    def run_thread(self, index):
        self.results[index] = _run(self.size)


WORKLOAD = LoadStringConst
