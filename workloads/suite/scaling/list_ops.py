"""List operations: append, index and pop on a thread-owned list of about 64 items.

Isolates: the list methods and subscript most programs use (``append``, ``lst[k]``,
``pop()``) on a list private to the thread (in the spirit of ftscalingbench's
``object_cfunction``). Held constant: one list per worker, 64 small-int items (immortal),
the length oscillating between 64 and 65 so no reallocation. check() verifies each thread's
sum of the items read and that its list is back to ``list(range(64))``.

Hot objects: each worker's list, created by each worker in setup_thread() (untimed; it used
to be created at the start of every timed body); the bound ``append``/``pop`` methods are
made by the worker at the start of its body.

Scaling: weak (each thread performs ``size`` append+index+pop rounds).
Operation: one ``append`` + one ``lst[k]`` + one ``pop()``; ops = threads * size.

Expected: GIL builds: CALL_LIST_APPEND and BINARY_SUBSCR_LIST_INT are specialised; ~N x the
1-thread time (GIL serialisation). Free-threaded builds (GIL disabled): ``append`` and
``pop`` take the list's per-object critical section (uncontended: the list is owned by the
thread), indexing is lock-free; on 3.13t unspecialised so slower per op, but nothing is
shared, so the threads scale near-flat up to the core count. 3.14t specialises these sites
in the free-threaded build too. Not measured on 3.14 or 3.15 here.
"""
from .. import _shared


def _kernel(n, tab):
    append = tab.append
    pop = tab.pop
    total = 0
    for i in range(n):
        append(i & 63)
        total += tab[i & 63]  # op
        pop()
    return total


class ListOps(_shared.PerThreadResults):
    tags = ("scaling", "list")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "append+index+pop"
    mismatch = "thread {t}: wrong result"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.lists = [None] * threads

    def setup_thread(self, index):
        self.lists[index] = list(range(64))

    def hot_objects(self, index):
        tab = self.lists[index]
        return None if tab is None else [tab]

    def run_thread(self, index):
        tab = self.lists[index]
        self.results[index] = (_kernel(self.size, tab), list(tab))

    def expected_results(self):
        # (total, tab): the sum of the values read, and the list back at its starting state
        return [(sum(i & 63 for i in range(self.size)), list(range(64)))] * self.threads


WORKLOAD = ListOps
