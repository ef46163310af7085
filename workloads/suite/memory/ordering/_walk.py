"""Shared implementation of memory/ordering/sequential and strided (not a workload).

The two differ only in ``stride_records``, the distance in records between consecutive reads:
the kernel reads every record exactly once, in passes ``for offset in range(stride):
for r in range(offset, n, stride)``, so stride 1 is one pass in address order (sequential)
and stride 64 visits page-sized strides (strided). Buffer, values, lines read, op count and
the inner loop (``s += mv[i]``) are this module's. See the workloads' docstrings.
"""
from ftbench.workload import Workload, STRONG

from ..._shared import buffer_address, chunk

RECORD_BYTES = 64          # one element per cache line
WORDS_PER_RECORD = RECORD_BYTES // 8


def kernel(mv, nrec, stride_records):
    """Sum word 0 of records 0..nrec-1 of ``mv`` (an int64 view), in stride order."""
    s = 0
    end = nrec * WORDS_PER_RECORD
    step = stride_records * WORDS_PER_RECORD
    for offset in range(0, step, WORDS_PER_RECORD):
        for i in range(offset, end, step):
            s += mv[i]
    return s


class MemoryWalk(Workload):
    scaling = STRONG
    sizes = {"default": 1 << 20, "quick": 1 << 15}
    op_name = "element read"
    stride_records = None      # set by each workload: records between consecutive reads

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        nbytes = size * RECORD_BYTES
        self.buf = bytearray(nbytes + RECORD_BYTES)
        addr = buffer_address(self.buf)
        self.base = (-addr) % RECORD_BYTES          # first 64-byte boundary in buf
        self.base_address = addr + self.base
        self.view = memoryview(self.buf)[self.base:self.base + nbytes].cast("q")
        for r in range(size):
            self.view[r * WORDS_PER_RECORD] = r
        self.sums = [None] * threads
        # Per-thread views are made here, single-threaded: slicing or releasing views of one
        # memoryview from several threads at once is not thread-safe on 3.13t (it fails with
        # "operation forbidden on released memoryview object"), and it is not what we time.
        self.slices = []
        for t in range(threads):
            lo, hi = chunk(size, threads, t)
            self.slices.append((self.view[lo * WORDS_PER_RECORD:hi * WORDS_PER_RECORD], hi - lo))

    def before_iteration(self, iteration):
        self.sums = [None] * self.threads

    def run_thread(self, index):
        mv, n = self.slices[index]
        self.sums[index] = kernel(mv, n, self.stride_records)

    def ops(self, threads, size):
        return size

    def check(self):
        if any(s is None for s in self.sums):
            return "a worker did not finish"
        want = self.size * (self.size - 1) // 2
        if sum(self.sums) != want:
            return "sum of elements read is %d, expected %d" % (sum(self.sums), want)
        return None

    def teardown(self):
        for mv, _ in self.slices:
            mv.release()
        self.view.release()
