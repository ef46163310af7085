"""Shared implementation of scaling/object_churn_per_thread and object_churn_shared (not a workload).

Both run the same kernel (allocate a ``Particle``, store it into a pool slot, read the next
slot) with the same class, pool size, op sequence and op count; they differ only in whose
pool it is (each worker's own, or one built by the main thread for all). Each keeps its own
pool handling, ``run_thread`` and pool check; the rest is this module's.
"""
from ftbench.workload import Workload, WEAK

POOL = 64


class Particle(object):
    __slots__ = ("x", "owner")

    def __init__(self, x, owner):
        self.x = x
        self.owner = owner


def kernel(pool, n, owner, start):
    total = 0
    for i in range(start, start + n):
        j = i & 63
        pool[j] = Particle(i, owner)
        total += pool[(j + 1) & 63].x
    return total


class ObjectChurn(Workload):
    scaling = WEAK
    sizes = {"default": 500_000, "quick": 20_000}
    op_name = "allocate+store+read"

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.done = [0] * threads

    def before_iteration(self, iteration):
        self.done = [0] * self.threads

    def ops(self, threads, size):
        return threads * size

    def check_pools(self):
        """None if the pool(s) are as the workload expects, else what is wrong."""
        raise NotImplementedError

    def check(self):
        for t in range(self.threads):
            if self.done[t] != self.size:
                return "thread %d did not finish" % t
        return self.check_pools()
