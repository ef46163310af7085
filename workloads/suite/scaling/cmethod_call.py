"""C method calls: ``i.bit_length()``, a builtin method of int, on loop-local ints.

Isolates: calling a method implemented in C (a method descriptor of a builtin type) with
no arguments. Held constant: the receiver is the loop's own int, no per-thread state, no
allocation beyond the small results; ``int.bit_length`` is shared by all threads (it lives
on the static, immortal ``int`` type). check() verifies each thread's sum of the results.

Hot objects: none made in advance: the ints are the looping thread's own; the method
descriptor belongs to the static ``int`` type.

Scaling: weak (each thread makes ``size`` calls).
Operation: one C method call; ops = threads * size.

Expected: GIL builds: LOAD_ATTR_METHOD_NO_DICT + CALL_METHOD_DESCRIPTOR_NOARGS, ~N x the
1-thread time (GIL serialisation). Free-threaded builds (GIL disabled): on 3.13t generic
LOAD_ATTR/CALL (no specialisation in its free-threaded build) so slower per call; static
builtin types are immortal and the call needs no lock (int is immutable), so threads should
scale near-flat up to the core count. 3.14t specialises these sites in the free-threaded
build too (smaller 1-thread gap). Not measured on 3.14 or 3.15 here.
"""
from .. import _shared


def _kernel(n):
    total = 0
    for i in range(n):
        total += i.bit_length()  # op
    return total


def _expected(n):
    total = 0
    b = 1
    while (1 << (b - 1)) < n:   # ints in [2**(b-1), 2**b) have bit_length b
        total += b * (min(n, 1 << b) - (1 << (b - 1)))
        b += 1
    return total


class CMethodCall(_shared.PerThreadResults):
    tags = ("scaling", "call", "ftscalingbench")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "C method call"
    mismatch = "thread {t} summed {got!r}, expected {want}"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)

    def expected_results(self):
        return [_expected(self.size)] * self.threads


WORKLOAD = CMethodCall
