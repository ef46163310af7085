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
        x = "a string constant"
        x = "another string constant"
        x = "third string, with punctuation"
        x = "fourth string constant"
        x = "fifth string constant"
        x = "sixth string constant"
        x = "seventh string constant"
        x = "eighth string constant"
        x = "ninth string constant"
        x = "last string constant"
    return x
"""
_namespace = {}
exec(_KERNEL_SOURCE, _namespace)
_run = _namespace["_run"]


def constants():
    """The constant objects the kernel loads (for tests and inspection)."""
    return tuple(c for c in _run.__code__.co_consts
                 if c is not None and not (type(c) is int and -5 <= c <= 256))


class LoadStringConst(Workload):
    scaling = WEAK
    tags = ("bytecode", "refcount", "immortal", "string")
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
            if r != "last string constant":
                return "thread %d: unexpected last constant %r" % (i, r)
        return None


WORKLOAD = LoadStringConst
