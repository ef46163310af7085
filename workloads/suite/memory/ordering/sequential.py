"""Sequential memory walk: read one 8-byte value per 64-byte line, lines in address order.

Isolates: the per-access cost of reading memory in a prefetch-friendly order, as the
baseline for memory/ordering/strided. Layout (shared with strided): one buffer of ``size``
64-byte records, 64-byte aligned (checked through ctypes), record ``r`` holding the int64
value ``r`` in its first 8 bytes; so every access touches a distinct cache line and the two
workloads read exactly the same lines and values, only in a different order. Default size:
2**20 records = 64 MiB, far larger than L2 (2 MiB/core here) and than the 4 KiB-page TLB
reach. Each worker reads its contiguous share of the records. Held constant against
strided: buffer, values, lines read, op count and loop body (``s += mv[i]``); only the
visiting order differs. check() verifies each worker's sum over its own records exactly.

Hot objects: each worker's int64 memoryview of its chunk, created by each worker in
setup_thread() (untimed) from a memoryview of the bytearray that the worker makes itself,
so no view object is shared between threads or owned by the main thread. The bytearray is
created (and filled) by the main thread in setup(); the loop never touches its reference
count.

Scaling: strong (``size`` records in total, split into contiguous chunks across threads).
Operation: one element read (``s += mv[i]``); ops = size per iteration, same as strided.

Expected: with a stride of one line the hardware stream prefetcher runs ahead of the loop
and each 4 KiB page is reused for 64 consecutive reads, so the per-access time is about the
interpreter's cost of a memoryview subscript plus an add. GIL builds: threads cannot overlap
(the GIL serialises them), so time stays ~flat as threads are added (no speed-up).
Free-threaded builds (GIL disabled): the chunks are read in parallel, time falls towards 1/N
up to the core count (then memory bandwidth); on 3.13t the 1-thread time is about the same
as on 3.12 (memoryview subscripts are not specialised on any build; measured 61 vs 62 ms
here). 3.14t enables the specialising interpreter (the ``+=`` on ints specialises, the
memoryview subscript does not), which lowers the interpreter share of both walks alike.
Pair memory_walk: ratio = time per operation of memory/ordering/strided (subject) over
memory/ordering/sequential (reference). Expected ratio: any build, any thread count: higher.
"""
from . import _walk

STRIDE_RECORDS = 1      # consecutive reads are consecutive records: one pass in address order


class Sequential(_walk.MemoryWalk):
    tags = ("memory", "ordering", "cache")
    stride_records = STRIDE_RECORDS
    pair = _walk.PAIR.side("reference")


WORKLOAD = Sequential
