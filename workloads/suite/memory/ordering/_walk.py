"""Shared implementation of memory/ordering/sequential and strided (not a workload).

The two differ only in ``stride_records``, the distance in records between consecutive reads:
the kernel reads every record exactly once, in passes ``for offset in range(stride):
for r in range(offset, n, stride)``, so stride 1 is one pass in address order (sequential)
and stride 64 visits page-sized strides (strided). Buffer, values, lines read, op count, the
inner loop (``s += mv[i]``) and the pair declaration are this module's. See the workloads'
docstrings.
"""
import threading

from ftbench.workload import Workload, STRONG

from ..._shared import Pair, buffer_address, chunk, new_buffer_view

RECORD_BYTES = 64          # one element per cache line
WORDS_PER_RECORD = RECORD_BYTES // 8

PAIR = Pair("memory_walk",
            subject="memory/ordering/strided",
            reference="memory/ordering/sequential",
            expected=[{"build": "any", "threads": "any", "ratio": "higher"}])


def kernel(mv, nrec, stride_records):
    """Sum word 0 of records 0..nrec-1 of ``mv`` (an int64 view), in stride order."""
    s = 0
    end = nrec * WORDS_PER_RECORD
    step = stride_records * WORDS_PER_RECORD
    for offset in range(0, step, WORDS_PER_RECORD):
        for i in range(offset, end, step):
            s += mv[i]  # op
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
        # Fill record r with the int64 value r through a view used only here, on the main
        # thread; the workers read through views they make themselves.
        with memoryview(self.buf) as whole:
            with whole[self.base:self.base + nbytes].cast("q") as fill:
                for r in range(size):
                    fill[r * WORDS_PER_RECORD] = r
        self.chunks = [chunk(size, threads, t) for t in range(threads)]
        self.slices = [None] * threads      # (view, records), made by each worker
        self.creators = [None] * threads
        self.sums = [None] * threads

    def setup_thread(self, index):
        # The worker's own memoryview of the bytearray, sliced to its contiguous chunk and
        # cast to int64 here, in the worker: the view belongs to the thread that reads it.
        lo, hi = self.chunks[index]
        whole = new_buffer_view(self.buf)
        start = self.base + lo * RECORD_BYTES
        self.slices[index] = (whole[start:start + (hi - lo) * RECORD_BYTES].cast("q"), hi - lo)
        whole.release()
        self.creators[index] = threading.get_ident()

    def hot_objects(self, index):
        entry = self.slices[index]
        return None if entry is None else [entry[0]]

    def before_iteration(self, iteration):
        self.sums = [None] * self.threads

    def run_thread(self, index):
        mv, n = self.slices[index]
        self.sums[index] = kernel(mv, n, self.stride_records)

    def ops(self, threads, size):
        return size

    def check(self):
        for t, s in enumerate(self.sums):
            lo, hi = self.chunks[t]
            want = (hi * (hi - 1) - lo * (lo - 1)) // 2     # values lo..hi-1
            if s != want:
                return "thread %d summed %r over records %d..%d, expected %d" % (t, s, lo, hi - 1, want)
        return None

    def teardown(self):
        for entry in self.slices:
            if entry is not None:
                entry[0].release()
