"""Shared implementation of memory/ordering/false_sharing_baseline and false_sharing_padded (not a workload).

The two differ only in ``slot_bytes``, the spacing of the per-thread uint64 counters in the
one shared buffer; layout, loop, op count and check are this module's. See the workloads'
docstrings for what the pair measures.
"""
from ftbench.workload import Workload, WEAK

from ..._shared import buffer_address

ALIGN = 128


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
        self.whole = memoryview(self.buf)
        # Per-thread views are made here, single-threaded: slicing or releasing views of one
        # memoryview from several threads at once is not thread-safe on 3.13t (it fails with
        # "operation forbidden on released memoryview object"), and it is not what we time.
        self.views = [self._view(t) for t in range(threads)]

    def before_iteration(self, iteration):
        self.whole[:] = bytes(len(self.buf))

    def _view(self, t):
        off = self.offsets[t]
        return self.whole[off:off + 8].cast("Q")

    def run_thread(self, index):
        v = self.views[index]
        for _ in range(self.size):
            v[0] += 1

    def ops(self, threads, size):
        return threads * size

    def check(self):
        for t in range(self.threads):
            got = self.views[t][0]
            if got != self.size:
                return "thread %d counter is %d, expected %d" % (t, got, self.size)
        return None

    def teardown(self):
        for v in self.views:
            v.release()
        self.whole.release()
