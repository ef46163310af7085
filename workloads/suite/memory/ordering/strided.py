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
check() verifies each worker's sum over its own records exactly.

Hot objects: each worker's int64 memoryview of its chunk, created by each worker in
setup_thread() (untimed) from its own memoryview of the bytearray; the bytearray is created
by the main thread in setup().

Scaling: strong (``size`` records in total, split into contiguous chunks across threads).
Operation: one element read (``s += mv[i]``); ops = size per iteration, same as sequential.

Expected: per-access time above sequential's by roughly an L2-miss-plus-page-walk latency
(tens of ns on top of ~20-40 ns of interpreter work per access). GIL builds: no speed-up with
threads (GIL serialisation). Free-threaded builds (GIL disabled): time falls towards 1/N up
to the core count; because each thread is latency-bound rather than bandwidth-bound,
strided gains at least as much from parallel threads as sequential does. The effect is a
hardware one and does not depend on the Python version; 3.14t's specialising interpreter
lowers the interpreter share of both walks alike, so the ratio can only grow. Pair
memory_walk: ratio = time per operation of memory/ordering/strided (subject) over
memory/ordering/sequential (reference). Expected ratio: any build, any thread count: higher.
"""
from . import _walk

STRIDE_RECORDS = 64     # 64 records x 64 bytes = 4096 bytes between consecutive reads


class Strided(_walk.MemoryWalk):
    tags = ("memory", "ordering", "cache", "tlb")
    stride_records = STRIDE_RECORDS
    pair = _walk.PAIR.side("subject")


WORKLOAD = Strided
