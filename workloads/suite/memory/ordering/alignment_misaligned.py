"""Misaligned 8-byte read-modify-writes: int64 elements at byte 60 of each 64-byte line, split across two lines.

Isolates: the cost of an 8-byte load+store that is not 8-byte aligned and straddles a
cache-line boundary, against memory/ordering/alignment (same code, same op count, same
buffer layout; only the element offset differs). Layout: per worker, a region of 64-byte
records whose starts are 64-byte aligned (absolute addresses checked through ctypes;
regions separated by a 128-byte gap); element k sits at byte ``64*k + 60`` of its region,
so its address is 4 mod 8 (misaligned) and its bytes 60..67 span two cache lines (a split
access on every load and every store). The buffer (512 records = 32 KiB + gaps) stays
L1/L2-resident so the hardware cost is the access itself. Each worker uses its own
memoryview (created in the worker) cast to int64; CPython's memoryview reads and writes
items with memcpy, so misaligned access is well defined on every platform. Held constant
against the aligned twin: code, buffer layout, op count; only the element offset differs.

Scaling: strong (``RECORDS`` = 512 elements split across threads; ``size`` passes over them).
Operation: one element read-modify-write (``mv[i] += 1``); ops = size * 512, same as
memory/ordering/alignment.

Expected: GIL builds (3.12, 3.13): no speed-up with threads (GIL serialisation).
Free-threaded (3.13t): time falls towards 1/N up to the core count (regions are private).
Versus the aligned twin: on x86-64 a split-line access costs a few extra cycles, tiny against
the ~30-60 ns of interpreter work per ``mv[i] += 1``, so expect at most a few percent slower
on any build (on some ARM cores split stores cost more); the GIL and free-threaded builds
should show the same ratio, since alignment is a hardware effect, not an interpreter one.
"""
import ctypes

from ftbench.workload import Workload, STRONG

RECORD_BYTES = 64
WORDS_PER_RECORD = RECORD_BYTES // 8
RECORDS = 512              # elements in total (32 KiB of records)
GAP_BYTES = 128            # between worker regions
ELEMENT_OFFSET = 60        # byte offset of each element inside its 64-byte record: bytes 60..67 span two lines


def _chunk(total, parts, index):
    base, extra = divmod(total, parts)
    lo = index * base + min(index, extra)
    return lo, lo + base + (1 if index < extra else 0)


def _kernel(mv, nrec, passes):
    end = nrec * WORDS_PER_RECORD
    for _ in range(passes):
        for i in range(0, end, WORDS_PER_RECORD):
            mv[i] += 1


class AlignmentMisaligned(Workload):
    scaling = STRONG
    tags = ("memory", "ordering", "alignment", "misaligned")
    sizes = {"default": 1000, "quick": 40}
    op_name = "element read-modify-write"
    element_offset = ELEMENT_OFFSET

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.chunks = [_chunk(RECORDS, threads, t) for t in range(threads)]
        region = -(-RECORDS // threads) * RECORD_BYTES + GAP_BYTES
        nbytes = threads * region + 2 * RECORD_BYTES
        self.buf = bytearray(nbytes)
        c = (ctypes.c_char * len(self.buf)).from_buffer(self.buf)
        addr = ctypes.addressof(c)
        del c
        base = (-addr) % RECORD_BYTES
        self.region_offsets = [base + t * region for t in range(threads)]
        # absolute address of each worker's first element (for tests / inspection)
        self.first_element_address = [addr + off + self.element_offset
                                      for off in self.region_offsets]
        self.whole = memoryview(self.buf)
        self.counts = None

    def _view(self, t):
        lo, hi = self.chunks[t]
        start = self.region_offsets[t] + self.element_offset
        return self.whole[start:start + (hi - lo) * RECORD_BYTES].cast("q"), hi - lo

    def before_iteration(self, iteration):
        self.whole[:] = bytes(len(self.buf))

    def run_thread(self, index):
        mv, n = self._view(index)
        _kernel(mv, n, self.size)
        mv.release()

    def ops(self, threads, size):
        return size * RECORDS

    def check(self):
        total = 0
        for t in range(self.threads):
            mv, n = self._view(t)
            for k in range(n):
                v = mv[k * WORDS_PER_RECORD]
                if v != self.size:
                    mv.release()
                    return "thread %d element %d is %d, expected %d" % (t, k, v, self.size)
                total += v
            mv.release()
        if total != self.size * RECORDS:
            return "total %d, expected %d" % (total, self.size * RECORDS)
        return None

    def teardown(self):
        self.whole.release()


WORKLOAD = AlignmentMisaligned
