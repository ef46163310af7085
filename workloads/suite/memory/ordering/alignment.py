"""Aligned 8-byte loads: int64 elements at byte 0 of their 4 KiB page, compared in a C loop.

Isolates: the cost of aligned 8-byte loads, as the reference for
memory/ordering/alignment_misaligned. Layout (shared with the misaligned twin): per worker,
two page-aligned regions A and B of 65 pages each; element k of a region is the int64 at
byte ``4096*k + ELEMENT_OFFSET`` of the region and holds the value k (addresses checked
through ctypes). Here ELEMENT_OFFSET = 0: every element is 8-byte, line and page aligned.
Each worker compares its two strided int64 views (one element per page) with ``A == B``:
CPython's memoryview comparison walks the 64 element pairs in C (``cmp_base``/``unpack_cmp``,
each element loaded with memcpy into a local), so the loads are a large share of the time
(about 4-5 ns per element pair here) instead of ~1 % of a ~100 ns Python-level
``mv[i] += 1``, which is why this pair replaced that design. Held constant against the
misaligned twin: code, buffer layout, pages and lines per view, element values, op count;
only the element offset within its page differs. The comparison result is counted per
thread: check() verifies every comparison found A == B and that the views hold 0..63.

Hot objects: each worker's two strided memoryviews, created by each worker in setup_thread()
(untimed) from its own memoryview of the bytearray; the bytearray is created (and filled)
by the main thread in setup(), and the loop never touches its reference count.

Scaling: weak (each thread compares its own two 64-element views ``size`` times).
Operation: one element pair compared in C (two 8-byte loads and a compare); ops = threads *
size * ELEMENTS, with ELEMENTS = 64.

Expected: the same on every build and version (a hardware effect inside one C loop; the
interpreter only adds a fixed per-comparison overhead, about 1 ns per element pair):
GIL builds: ~N x the 1-thread time with N threads (GIL serialisation). Free-threaded builds
(GIL disabled): time near flat up to the core count (private pages, nothing shared).
Versus the misaligned twin: on x86-64 a load that splits two 4 KiB pages costs a second
TLB look-up and a split access; measured here (standalone harness, default size, 5
processes, median of per-process medians, 1 thread): 3.13.5 GIL build 4.59 vs 6.45 ns per
element pair (misaligned/aligned 1.41), 3.13.5t 4.97 vs 6.58 (1.32); 2 threads: 1.41 and
1.45; every process showed the misaligned side slower. A split of a cache line only (offset
60 of a 64-byte record, same C loop) measured 0.97 and 1.18, and the former Python-level
loop 1.06 and 1.08, both inside the ~10 % process-to-process noise: hence the page split.
Pair alignment: ratio = time per operation of memory/ordering/alignment_misaligned
(subject) over memory/ordering/alignment (reference). Expected ratio: any build, any thread
count: higher.
"""
from . import _alignment

ELEMENT_OFFSET = 0       # byte offset of each element inside its 4 KiB page


class Alignment(_alignment.Alignment):
    tags = ("memory", "ordering", "alignment")
    element_offset = ELEMENT_OFFSET
    pair = _alignment.PAIR.side("reference")


WORKLOAD = Alignment
