"""Shared implementation of scaling/object_churn_per_thread and object_churn_shared (not a workload).

Both run the same kernel (allocate a ``Particle``, store it into a pool slot, read the next
slot) with the same class, pool size, op sequence and op count; they differ only in whose
pool it is (each worker's own, made in setup_thread, or one built by the main thread in
setup for all). Each keeps its own pool handling and pool check; the timed ``run_thread``,
the kernel, the result check and the pair declaration are this module's.
"""
from ftbench.workload import Workload, WEAK

from .. import _shared

POOL = 64

PAIR = _shared.Pair("object_churn",
                    subject="scaling/object_churn_shared",
                    reference="scaling/object_churn_per_thread",
                    expected=[{"build": "any", "threads": "1", "ratio": "equal"},
                              {"build": "gil", "threads": ">=2", "ratio": "equal"},
                              {"build": "free_threaded", "threads": ">=2", "ratio": "higher"}])


class Particle(object):
    __slots__ = ("x", "owner")

    def __init__(self, x, owner):
        self.x = x
        self.owner = owner


def kernel(pool, n, owner, start):
    total = 0
    for i in range(start, start + n):
        j = i & 63
        pool[j] = Particle(i, owner)  # op
        total += pool[(j + 1) & 63].x
    return total


class ObjectChurn(Workload):
    scaling = WEAK
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "allocate+store+read"

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.totals = [None] * threads
        self.initial = None

    def before_iteration(self, iteration):
        self.totals = [None] * self.threads
        # what each pool slot holds now, so check() can replay the iteration with plain ints
        self.initial = [[p.x for p in self.pool_of(t)] for t in range(self.threads)]

    def pool_of(self, index):
        """The pool worker ``index`` churns."""
        raise NotImplementedError

    def run_thread(self, index):
        self.totals[index] = kernel(self.pool_of(index), self.size, index, index * 7)

    def ops(self, threads, size):
        return threads * size

    def replay(self, index, slots):
        """The total worker ``index`` reads when it runs alone on a pool holding ``slots``
        (the ``x`` of each slot): the kernel's arithmetic on plain ints."""
        slots = list(slots)
        total = 0
        for i in range(index * 7, index * 7 + self.size):
            j = i & 63
            slots[j] = i
            total += slots[(j + 1) & 63]
        return total

    def check_totals(self):
        """None if the neighbour reads (summed into ``self.totals``) are right, else what is
        wrong. Exact wherever the reads are deterministic (a private pool, or one thread)."""
        raise NotImplementedError

    def check_pools(self):
        """None if the pool(s) are as the workload expects, else what is wrong."""
        raise NotImplementedError

    def check(self):
        for t in range(self.threads):
            if self.totals[t] is None:
                return "thread %d did not finish" % t
        return self.check_totals() or self.check_pools()
