"""Shared implementation of memory/ref_counting/thread_local and cross_thread (not a workload).

The two run the same kernel over the same kind of pool and differ only in which thread
creates each worker's pool (the worker itself, or the main thread in setup()); each keeps
its own ``run_thread`` (so neither pays for a hook in its timed region), its pool creation
and its creator check. See the workloads' docstrings.
"""
import threading

from ... import _shared

POOL = 100


class Obj(object):
    __slots__ = ("creator", "serial")

    def __init__(self, serial):
        self.creator = threading.get_ident()
        self.serial = serial


def kernel(pool, rounds):
    b = None
    for _ in range(rounds):
        for a in pool:      # reference store 1: the loop variable takes the next object
            b = a           # reference store 2: a second local takes it too
    return b


class RefStores(_shared.Unrolled):
    tags = ("memory", "refcount", "biased_refcount")
    sizes = {"default": 8_000_000, "quick": 320_000}
    op_name = "reference store"
    unroll = 2 * POOL          # one kernel round: two reference stores per pool element

    def setup(self, threads, size):
        super().setup(threads, size)
        self.users = [None] * threads        # ident of the worker that used pool t
