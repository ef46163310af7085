"""Shared implementation of memory/ordering/false_sharing_baseline and false_sharing_padded (not a workload).

The two differ only in ``slot_bytes``, the spacing of the per-thread uint64 counters in the
one shared buffer; layout, loop, op count, check and the pair declaration are this module's.
See the workloads' docstrings for what the pair measures.
"""
import sys
import threading

from ftbench.workload import Workload, WEAK

from ..._shared import Pair, buffer_address, new_buffer_view

ALIGN = 128

PAIR = Pair("false_sharing",
            subject="memory/ordering/false_sharing_baseline",
            reference="memory/ordering/false_sharing_padded",
            expected=[{"build": "any", "threads": "1", "ratio": "equal"},
                      {"build": "gil", "threads": ">=2", "ratio": "equal"},
                      {"build": "free_threaded", "threads": ">=2", "ratio": "higher"}])


class FalseSharing(Workload):
    scaling = WEAK
    tags = ("memory", "ordering", "false_sharing", "cache")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "increment"
    slot_bytes = None          # set by each workload: bytes between consecutive counters

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.buf = bytearray(threads * self.slot_bytes + 2 * ALIGN)
        addr = buffer_address(self.buf)
        base = (-addr) % ALIGN
        self.offsets = [base + t * self.slot_bytes for t in range(threads)]
        self.addresses = [addr + off for off in self.offsets]
        self.views = [None] * threads      # made by each worker in setup_thread
        self.creators = [None] * threads   # threading.get_ident() of the thread that made it

    def setup_thread(self, index):
        # In the worker: the view (and the managed buffer behind it) belongs to this thread,
        # so the refcount traffic of ``v`` in the loop stays on the owner's local path.
        whole = new_buffer_view(self.buf)
        off = self.offsets[index]
        self.views[index] = whole[off:off + 8].cast("Q")
        whole.release()
        self.creators[index] = threading.get_ident()

    def hot_objects(self, index):
        view = self.views[index]
        return None if view is None else [view]

    def before_iteration(self, iteration):
        self.buf[:] = bytes(len(self.buf))     # same length: allowed while views exist

    def run_thread(self, index):
        v = self.views[index]
        for _ in range(self.size):
            v[0] += 1  # op

    def ops(self, threads, size):
        return threads * size

    def check(self):
        for t in range(self.threads):
            got = self.views[t][0]
            off = self.offsets[t]
            raw = int.from_bytes(bytes(self.buf[off:off + 8]), sys.byteorder)
            if got != self.size or raw != self.size:
                return "thread %d counter is %d (raw %d), expected %d" % (t, got, raw, self.size)
        return None

    def teardown(self):
        for v in self.views:
            if v is not None:
                v.release()
