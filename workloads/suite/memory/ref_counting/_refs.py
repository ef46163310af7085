"""Shared implementation of memory/ref_counting/thread_local and cross_thread (not a workload).

The two run the same kernel over the same kind of pool and differ only in which thread
creates each worker's pool (the worker itself in setup_thread(), or the main thread in
setup()); each keeps its own pool creation and creator check. The timed ``run_thread``, the
kernel, op count, result check and the pair declaration are this module's, so neither side
pays for anything the other does not. See the workloads' docstrings.
"""
import threading

from ... import _shared

POOL = 100

PAIR = _shared.Pair("ref_counting",
                    subject="memory/ref_counting/cross_thread",
                    reference="memory/ref_counting/thread_local",
                    expected=[{"build": "gil", "threads": "any", "ratio": "equal"},
                              {"build": "free_threaded", "threads": "any", "ratio": "higher"}])


class Obj(object):
    __slots__ = ("creator", "serial")

    def __init__(self, serial):
        self.creator = threading.get_ident()
        self.serial = serial


def kernel(pool, rounds):
    """Walk ``pool`` ``rounds`` times, storing each object into two locals; return how many
    rounds ended on the pool's last object (every round, unless the walk was cut short)."""
    last = pool[-1]
    b = None
    whole = 0
    for _ in range(rounds):
        for a in pool:      # reference store 1: the loop variable takes the next object
            b = a  # op*2    (reference store 2: a second local takes it too)
        if b is last:
            whole += 1
    return whole


class RefStores(_shared.Unrolled):
    tags = ("memory", "refcount", "biased_refcount")
    sizes = {"default": 8_000_000, "quick": 320_000}
    op_name = "reference store"
    unroll = 2 * POOL          # one kernel round: two reference stores per pool element

    def setup(self, threads, size):
        super().setup(threads, size)
        self.users = [None] * threads        # ident of the worker that used pool t
        self.rounds = [None] * threads       # rounds the kernel saw end on the last object

    def before_iteration(self, iteration):
        self.rounds = [None] * self.threads

    def hot_objects(self, index):
        pool = self.pools[index]
        return None if pool is None else [pool] + list(pool)

    def run_thread(self, index):
        self.rounds[index] = kernel(self.pools[index], self.size // (2 * POOL))
        self.users[index] = threading.get_ident()

    def check_creators(self):
        """None if every pool was made by the thread the workload says, else what is wrong."""
        raise NotImplementedError

    def check(self):
        want = self.size // (2 * POOL)
        for t in range(self.threads):
            if self.users[t] is None:
                return "worker %d did not run" % t
            if self.rounds[t] != want:
                return "worker %d completed %r rounds of its pool, expected %d" % (t, self.rounds[t], want)
            if [o.serial for o in self.pools[t]] != list(range(POOL)):
                return "worker %d pool is not the %d objects it was given" % (t, POOL)
        return self.check_creators()
