"""Shared implementation of bytecode/load_const and load_string_const (not a workload).

Both run the same kernel shape, ``x = <constant>`` ten times per loop trip, and differ only
in the ten constants. :func:`compile_kernel` builds that kernel from source text with exec()
at import time, so the state of its constants (mortal or immortal on free-threaded builds)
does not depend on whether the workload module itself was imported from a .pyc or compiled
from source: on 3.13.5t a code object unmarshalled from a .pyc, one made by compile() and
one made by exec(str) do not give their constants the same treatment.
"""
from .. import _shared

UNROLL = 10


def compile_kernel(constants):
    """``(run, constants)``: the kernel ``run(n)`` executing ``x = <c>`` for the ten constant
    expressions (source text) in ``constants``, n // 10 times each, returning the last; and a
    function returning the constant objects it loads (for tests and inspection)."""
    if len(constants) != UNROLL:
        raise ValueError("need exactly %d constants" % UNROLL)
    source = ("\ndef _run(n):\n    x = None\n    for _ in range(n // %d):\n" % UNROLL
              + "".join("        x = %s\n" % c for c in constants)
              + "    return x\n")
    namespace = {}
    exec(source, namespace)
    run = namespace["_run"]

    def loaded_constants():
        """The constant objects the kernel loads (for tests and inspection)."""
        return tuple(c for c in run.__code__.co_consts
                     if c is not None and not (type(c) is int and -5 <= c <= 256))

    return run, loaded_constants


class ConstantLoads(_shared.PerThreadResults):
    sizes = {"default": 5_000_000, "quick": 200_000}
    op_name = "constant load"
    unroll = UNROLL
    mismatch = "thread {t}: unexpected last constant {got!r}"
    last_constant = None       # set by each workload: what its kernel returns

    def expected_results(self):
        return [self.last_constant] * self.threads
