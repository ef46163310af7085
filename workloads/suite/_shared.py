"""Helpers shared across suite groups (not a workload: the leading ``_`` keeps it out of the suite).

* :func:`chunk`: the exact split of ``total`` items over ``parts`` workers (strong scaling).
* :func:`buffer_address`: the absolute address of a bytearray, for aligning layouts.
* :class:`Unrolled`: weak scaling in units of ``unroll`` operations (size check, ops()).
* :class:`PerThreadResults`: the untimed bookkeeping of workloads in which every worker
  stores one result in ``self.results[index]`` and ``check()`` compares it with the expected
  one. ``run_thread`` (the timed body) is deliberately *not* provided: each workload keeps its
  own, calling its kernel directly, so factoring this out adds nothing to the timed region.
* :class:`SharedCounter`: one lock-protected counter shared by all workers.
"""
import ctypes
import threading

from ftbench.workload import Workload, WEAK


def chunk(total, parts, index):
    """``(lo, hi)`` of worker ``index`` when ``total`` items are split over ``parts`` workers
    (sizes differ by at most one; every item belongs to exactly one worker)."""
    base, extra = divmod(total, parts)
    lo = index * base + min(index, extra)
    return lo, lo + base + (1 if index < extra else 0)


def buffer_address(buf):
    """Absolute address of the first byte of the bytearray ``buf`` (through ctypes)."""
    c = (ctypes.c_char * len(buf)).from_buffer(buf)
    addr = ctypes.addressof(c)
    del c
    return addr


class Unrolled(Workload):
    """Weak scaling in units of ``unroll`` operations: ``size`` must be a multiple of
    ``unroll``, and one iteration performs ``threads * size`` operations."""

    scaling = WEAK
    unroll = 1

    def setup(self, threads, size):
        if size % self.unroll:
            raise ValueError("size must be a multiple of %d" % self.unroll)
        self.threads, self.size = threads, size

    def ops(self, threads, size):
        return threads * (size // self.unroll) * self.unroll


class PerThreadResults(Unrolled):
    """Each worker stores its kernel's result in ``self.results[index]``.

    Subclasses set ``unroll`` (``size`` must be a multiple of it; ops = threads * size),
    ``mismatch`` (the check() message, a ``str.format`` template over ``t``, ``got`` and
    ``want``), override :meth:`expected_results` unless every worker must return ``size``, and
    define ``run_thread``."""

    mismatch = "thread {t} returned {got!r}, expected {want!r}"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.results = [None] * threads

    def before_iteration(self, iteration):
        self.results = [None] * self.threads

    def expected_results(self):
        """What each worker must have stored, one per thread."""
        return [self.size] * self.threads

    def check(self):
        for t, (got, want) in enumerate(zip(self.results, self.expected_results())):
            if got != want:
                return self.mismatch.format(t=t, got=got, want=want)
        return None


class SharedCounter(Unrolled):
    """All workers increment ``self.box[0]`` under the one ``self.lock``; check() verifies the
    total exactly. Subclasses set ``unroll`` (increments per batch; ``size`` must be a
    multiple of it) and ``mismatch`` (``%`` template over got, want), and define
    ``run_thread``."""

    mismatch = "shared counter is %d, expected %d"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.lock = threading.Lock()
        self.box = [0]

    def before_iteration(self, iteration):
        self.box[0] = 0

    def check(self):
        want = self.ops(self.threads, self.size)
        if self.box[0] != want:
            return self.mismatch % (self.box[0], want)
        return None
