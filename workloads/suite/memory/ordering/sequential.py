"""Sequential memory walk: read one 8-byte value per 64-byte line, lines in address order.

Isolates: the per-access cost of reading memory in a prefetch-friendly order, as the
baseline for memory/ordering/strided. Layout (shared with strided): one buffer of ``size``
64-byte records, 64-byte aligned (checked through ctypes), record ``r`` holding the int64
value ``r`` in its first 8 bytes; so every access touches a distinct cache line and the two
workloads read exactly the same lines and values, only in a different order. Default size:
2**20 records = 64 MiB, far larger than L2 (2 MiB/core here) and than the 4 KiB-page TLB
reach. Each worker reads its contiguous share of the records through its own memoryview
(created in the worker, so no view object is shared between threads). Held constant
against strided: buffer, values, lines read, op count and loop body (``s += mv[i]``); only
the visiting order differs.

Scaling: strong (``size`` records in total, split into contiguous chunks across threads).
Operation: one element read (``s += mv[i]``); ops = size per iteration, same as strided.

Expected: with a stride of one line the hardware stream prefetcher runs ahead of the loop
and each 4 KiB page is reused for 64 consecutive reads, so the per-access time is about
the interpreter's cost of a memoryview subscript plus an add. GIL builds (3.12, 3.13):
threads cannot overlap (the GIL serialises them), so time stays ~flat as threads are
added (no speed-up). Free-threaded (3.13t): the chunks are read in parallel, time falls
towards 1/N up to the core count (then memory bandwidth); the 1-thread time is about the
same as on 3.12 (memoryview subscripts are not specialised on any build; measured 61 vs
62 ms here).
"""
import ctypes

from ftbench.workload import Workload, STRONG

RECORD_BYTES = 64          # one element per cache line
WORDS_PER_RECORD = RECORD_BYTES // 8


def _chunk(total, parts, index):
    base, extra = divmod(total, parts)
    lo = index * base + min(index, extra)
    return lo, lo + base + (1 if index < extra else 0)


def _kernel(mv, nrec):
    """Sum word 0 of records 0..nrec-1 of ``mv`` (an int64 view), in address order."""
    s = 0
    for i in range(0, nrec * WORDS_PER_RECORD, WORDS_PER_RECORD):
        s += mv[i]
    return s


class Sequential(Workload):
    scaling = STRONG
    tags = ("memory", "ordering", "cache")
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


WORKLOAD = Sequential
