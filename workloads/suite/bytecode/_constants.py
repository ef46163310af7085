"""Shared implementation of bytecode/load_const and load_string_const (not a workload).

Both run the same kernel shape, ``x = <constant>`` ten times per loop trip, and differ only
in the ten constants. :func:`compile_kernel` builds that kernel from source text with exec()
at import time, so the state of its constants (mortal or immortal on free-threaded builds)
does not depend on whether the workload module itself was imported from a .pyc or compiled
from source: on 3.13.5t a code object unmarshalled from a .pyc, one made by compile() and
one made by exec(str) do not give their constants the same treatment. (exec() of a string,
not compile(): on free-threaded builds compile() suppresses the immortalisation of
non-string constants.)

The kernel returns the last constant and the number of loop trips (the loop variable, so
counting costs nothing); check() verifies both, and that each constant is immortal or
mortal as the workload's docstring says for this interpreter (:meth:`ConstantLoads.immortality_claim`).
"""
import sys

from .. import _shared

UNROLL = 10

PAIR = _shared.Pair("constant_loads",
                    subject="bytecode/load_string_const",
                    reference="bytecode/load_const",
                    expected=[{"build": "gil", "threads": "any", "ratio": "equal"},
                              {"build": "free_threaded", "threads": "any", "python": "<3.14",
                               "ratio": "higher"},
                              {"build": "free_threaded", "threads": "any", "python": ">=3.14",
                               "ratio": "equal"}])

#: code object of each kernel -> {line number: operations per execution}, for tests that
#: count operations by tracing lines (an exec()'d kernel has no source file to carry the
#: ``# op`` comments that mark the other kernels' operation lines).
OP_LINES = {}


def compile_kernel(constants):
    """``(run, constants)``: the kernel ``run(n)`` executing ``x = <c>`` for the ten constant
    expressions (source text) in ``constants``, n // 10 times each, returning ``(last
    constant, trips)``; and a function returning the constant objects it loads."""
    if len(constants) != UNROLL:
        raise ValueError("need exactly %d constants" % UNROLL)
    lines = ["", "def _run(n):", "    x = None", "    t = -1",
             "    for t in range(n // %d):" % UNROLL]
    first_op_line = len(lines) + 1
    lines += ["        x = %s" % c for c in constants]
    lines += ["    return x, t + 1", ""]
    namespace = {}
    exec("\n".join(lines), namespace)
    run = namespace["_run"]
    OP_LINES[run.__code__] = {line: 1 for line in range(first_op_line, first_op_line + UNROLL)}

    def loaded_constants():
        """The constant objects the kernel loads (for tests and inspection)."""
        return tuple(c for c in run.__code__.co_consts
                     if c is not None and not (type(c) is int and -5 <= c <= 256))

    return run, loaded_constants


def _version_in(spec):
    """Whether this interpreter's major.minor matches ``spec`` ("any", "<3.14", ">=3.14")."""
    if spec == "any":
        return True
    ops = {"<": lambda a, b: a < b, ">=": lambda a, b: a >= b}
    for part in spec.split(","):
        op = "<" if part.startswith("<") else ">="
        want = tuple(int(v) for v in part[len(op):].split("."))
        if not ops[op](sys.version_info[:2], want):
            return False
    return True


class ConstantLoads(_shared.PerThreadResults):
    sizes = {"default": 5_000_000, "quick": 200_000}
    op_name = "constant load"
    unroll = UNROLL
    mismatch = "thread {t}: kernel returned {got!r}, expected {want!r}"
    last_constant = None       # set by each workload: what its kernel returns
    #: set by each workload: ((free_threaded_build, python spec, immortal), ...): what its
    #: docstring says about its ten constants; the first matching row applies.
    immortality = ()

    def expected_results(self):
        return [(self.last_constant, self.size // UNROLL)] * self.threads

    def immortality_claim(self):
        """``(claimed, actual, constants)`` for this interpreter: claimed is True/False, or
        None when the docstring makes no claim here; actual is what :func:`_shared.immortal`
        reports for each constant (None where it cannot tell)."""
        import sysconfig
        free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
        claimed = None
        for build, spec, state in self.immortality:
            if build == free_threaded and _version_in(spec):
                claimed = state
                break
        constants = self.constants()
        return claimed, [_shared.immortal(c) for c in constants], constants

    def check(self):
        problem = super().check()
        if problem is not None:
            return problem
        claimed, actual, constants = self.immortality_claim()
        if claimed is None or None in actual:
            return None     # no claim for this interpreter, or it cannot tell: not checked
        wrong = [c for c, state in zip(constants, actual) if state != claimed]
        if wrong:
            return ("constants %r are %s here, but the docstring says they are %s on this "
                    "build and version: the pair would not measure what it claims"
                    % (wrong, "mortal" if claimed else "immortal",
                       "immortal" if claimed else "mortal"))
        return None
