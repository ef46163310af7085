"""Strided memory walk: the same lines as sequential, visited in page-sized strides.

Isolates: the per-access cost of reading memory in an order the hardware cannot prefetch.
Layout identical to memory/ordering/sequential: ``size`` 64-byte records (one int64 value
at the start of each cache line, buffer 64-byte aligned), default 2**20 records = 64 MiB.
Visit order: stride = 64 records = 4096 bytes = 64 cache lines (one 4 KiB page), i.e.
``for offset in range(64): for r in range(offset, n, 64)``: every record is read exactly
once per pass, so the op count equals sequential's and per-access times compare directly.
Consecutive reads are one page apart, which defeats the adjacent-line and L2 stream
prefetchers (they do not cross 4 KiB pages) and the L1 IP-stride prefetcher (strides
above 2 KiB), and misses the TLB on every read (each inner pass touches 16 K distinct
pages for the 64 MiB default, beyond the second-level TLB's reach, unless transparent huge
pages back the buffer). In both workloads every line is read exactly once per pass from a
64 MiB footprint (32x L2), so every read misses L2 in both: the only difference is whether
the miss was prefetched (sequential) or paid in full (strided). Held constant against
sequential: buffer, values, lines read, op count and loop body; only the order differs.

Scaling: strong (``size`` records in total, split into contiguous chunks across threads).
Operation: one element read (``s += mv[i]``); ops = size per iteration, same as sequential.

Expected: per-access time above sequential's by roughly an L2-miss-plus-page-walk latency
(tens of ns on top of ~20-40 ns of interpreter work per access). GIL builds (3.12, 3.13): no
speed-up with threads (GIL serialisation). Free-threaded (3.13t): time falls towards 1/N
up to the core count; because each thread is latency-bound rather than bandwidth-bound,
strided gains at least as much from parallel threads as sequential does.
"""
import ctypes

from ftbench.workload import Workload, STRONG

RECORD_BYTES = 64          # one element per cache line
WORDS_PER_RECORD = RECORD_BYTES // 8
STRIDE_RECORDS = 64        # 64 records x 64 bytes = 4096 bytes between consecutive reads


def _chunk(total, parts, index):
    base, extra = divmod(total, parts)
    lo = index * base + min(index, extra)
    return lo, lo + base + (1 if index < extra else 0)


def _kernel(mv, nrec):
    """Sum word 0 of records 0..nrec-1 of ``mv`` (an int64 view), in stride order."""
    s = 0
    end = nrec * WORDS_PER_RECORD
    step = STRIDE_RECORDS * WORDS_PER_RECORD
    for offset in range(0, step, WORDS_PER_RECORD):
        for i in range(offset, end, step):
            s += mv[i]
    return s


class Strided(Workload):
    scaling = STRONG
    tags = ("memory", "ordering", "cache", "tlb")
    sizes = {"default": 1 << 20, "quick": 1 << 15}
    op_name = "element read"

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        nbytes = size * RECORD_BYTES
        self.buf = bytearray(nbytes + RECORD_BYTES)
        c = (ctypes.c_char * len(self.buf)).from_buffer(self.buf)
        addr = ctypes.addressof(c)
        del c
        self.base = (-addr) % RECORD_BYTES          # first 64-byte boundary in buf
        self.base_address = addr + self.base
        self.view = memoryview(self.buf)[self.base:self.base + nbytes].cast("q")
        for r in range(size):
            self.view[r * WORDS_PER_RECORD] = r
        self.sums = [None] * threads

    def before_iteration(self, iteration):
        self.sums = [None] * self.threads

    def run_thread(self, index):
        lo, hi = _chunk(self.size, self.threads, index)
        mv = self.view[lo * WORDS_PER_RECORD:hi * WORDS_PER_RECORD]
        self.sums[index] = _kernel(mv, hi - lo)
        mv.release()

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
        self.view.release()


WORKLOAD = Strided
