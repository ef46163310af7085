"""Page-splitting 8-byte loads: int64 elements at byte 4092 of their 4 KiB page, compared in a C loop.

Isolates: the cost of 8-byte loads that are not 8-byte aligned and straddle a page (and so
a cache-line) boundary, against memory/ordering/alignment (same code, same op count, same
buffer layout; only the element offset differs). Layout: per worker, two page-aligned
regions A and B of 65 pages each (the last page holds the tail of the last element);
element k sits at byte ``4096*k + 4092`` of its region, so its address is 4 mod 8
(misaligned) and its bytes 4092..4099 span two pages: every load is a page split (two TLB
look-ups, two lines). Each worker compares its two strided int64 views with ``A == B``;
CPython's memoryview comparison runs the loads in a C loop with memcpy into locals, so
misaligned access is well defined on every platform and its cost is not hidden under
interpreter work. Held constant against the aligned twin: code, buffer layout, element
values, op count; only the element offset differs (the misaligned side touches two pages
per element, which is part of what a page split costs). The comparison result is counted
per thread: check() verifies every comparison found A == B and that the views hold 0..63.

Hot objects: each worker's two strided memoryviews, created by each worker in setup_thread()
(untimed) from its own memoryview of the bytearray; the bytearray is created (and filled)
by the main thread in setup().

Scaling: weak (each thread compares its own two 64-element views ``size`` times).
Operation: one element pair compared in C (two 8-byte loads and a compare); ops = threads *
size * ELEMENTS, with ELEMENTS = 64.

Expected: misaligned slower than aligned on every build, version and thread count, by the
same ratio on GIL and free-threaded builds, since alignment is a hardware effect, not an
interpreter one: measured here 1.41 (3.13.5 GIL build) and 1.32 (3.13.5t) at 1 thread,
1.41 and 1.45 at 2 threads (figures in memory/ordering/alignment's docstring and SUITE.md);
on other CPUs the size differs (older x86 cores paid far more for page splits, some ARM
cores trap or pay more for split stores). GIL builds: ~N x the 1-thread time with N threads;
free-threaded builds (GIL disabled): near flat up to the core count. memoryview comparison
takes no lock on the views in 3.13; a later version that added one would add the same
per-comparison cost to both sides. Pair alignment: ratio = time per operation of
memory/ordering/alignment_misaligned (subject) over memory/ordering/alignment (reference).
Expected ratio: any build, any thread count: higher.
"""
from . import _alignment

ELEMENT_OFFSET = 4092    # bytes 4092..4099: misaligned by 4 and split across two pages (and lines)


class AlignmentMisaligned(_alignment.Alignment):
    tags = ("memory", "ordering", "alignment", "misaligned")
    element_offset = ELEMENT_OFFSET
    pair = _alignment.PAIR.side("subject")


WORKLOAD = AlignmentMisaligned
