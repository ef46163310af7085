"""Shared implementation of memory/ordering/alignment and alignment_misaligned (not a workload).

The two differ only in ``element_offset``, the byte offset of each int64 element inside its
64-byte record; layout, kernel, op count and check are this module's. See the workloads'
docstrings for what the pair measures.
"""
from ftbench.workload import Workload, STRONG

from ..._shared import buffer_address, chunk

RECORD_BYTES = 64
WORDS_PER_RECORD = RECORD_BYTES // 8
RECORDS = 512              # elements in total (32 KiB of records)
GAP_BYTES = 128            # between worker regions


def kernel(mv, nrec, passes):
    end = nrec * WORDS_PER_RECORD
    for _ in range(passes):
        for i in range(0, end, WORDS_PER_RECORD):
            mv[i] += 1


class Alignment(Workload):
    scaling = STRONG
    sizes = {"default": 1000, "quick": 40}
    op_name = "element read-modify-write"
    element_offset = None      # set by each workload: byte offset inside the 64-byte record

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.chunks = [chunk(RECORDS, threads, t) for t in range(threads)]
        region = -(-RECORDS // threads) * RECORD_BYTES + GAP_BYTES
        nbytes = threads * region + 2 * RECORD_BYTES
        self.buf = bytearray(nbytes)
        addr = buffer_address(self.buf)
        base = (-addr) % RECORD_BYTES
        self.region_offsets = [base + t * region for t in range(threads)]
        # absolute address of each worker's first element (for tests / inspection)
        self.first_element_address = [addr + off + self.element_offset
                                      for off in self.region_offsets]
        self.whole = memoryview(self.buf)
        self.counts = None
        # Per-thread views are made here, single-threaded: slicing or releasing views of one
        # memoryview from several threads at once is not thread-safe on 3.13t (it fails with
        # "operation forbidden on released memoryview object"), and it is not what we time.
        self.views = [self._view(t) for t in range(threads)]

    def _view(self, t):
        lo, hi = self.chunks[t]
        start = self.region_offsets[t] + self.element_offset
        return self.whole[start:start + (hi - lo) * RECORD_BYTES].cast("q"), hi - lo

    def before_iteration(self, iteration):
        self.whole[:] = bytes(len(self.buf))

    def run_thread(self, index):
        mv, n = self.views[index]
        kernel(mv, n, self.size)

    def ops(self, threads, size):
        return size * RECORDS

    def check(self):
        total = 0
        for t in range(self.threads):
            mv, n = self.views[t]
            for k in range(n):
                v = mv[k * WORDS_PER_RECORD]
                if v != self.size:
                    return "thread %d element %d is %d, expected %d" % (t, k, v, self.size)
                total += v
        if total != self.size * RECORDS:
            return "total %d, expected %d" % (total, self.size * RECORDS)
        return None

    def teardown(self):
        for mv, _ in self.views:
            mv.release()
        self.whole.release()
