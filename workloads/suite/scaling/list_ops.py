"""List operations: append, index and pop on a thread-owned list of about 64 items.

Isolates: the list methods and subscript most programs use (``append``, ``lst[k]``,
``pop()``) on a list private to the thread (in the spirit of ftscalingbench's
``object_cfunction``). Held constant: one list per worker created inside the worker, 64
small-int items (immortal), the length oscillating between 64 and 65 so no reallocation.

Scaling: weak (each thread performs ``size`` append+index+pop rounds).
Operation: one ``append`` + one ``lst[k]`` + one ``pop()``.

Expected: GIL builds (3.12, 3.13): CALL_LIST_APPEND and BINARY_SUBSCR_LIST_INT are
specialised; ~N x the 1-thread time (GIL serialisation). Free-threaded (3.13t): ``append``
and ``pop`` take the list's per-object critical section (uncontended: the list is owned by
the thread), indexing is lock-free; unspecialised in 3.13t so slower per op, but nothing is
shared, so the threads scale near-flat up to the core count.
"""
from .. import _shared


def _kernel(n):
    tab = list(range(64))
    append = tab.append
    pop = tab.pop
    total = 0
    for i in range(n):
        append(i & 63)
        total += tab[i & 63]
        pop()
    return total, tab


class ListOps(_shared.PerThreadResults):
    tags = ("scaling", "list")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "append+index+pop"
    mismatch = "thread {t}: wrong result"

    def run_thread(self, index):
        self.results[index] = _kernel(self.size)

    def expected_results(self):
        # (total, tab): the sum of the values read, and the list back at its starting state
        return [(sum(i & 63 for i in range(self.size)), list(range(64)))] * self.threads


WORKLOAD = ListOps
