"""Aligned 8-byte read-modify-writes: int64 elements at offset 0 of 64-byte-aligned lines.

Isolates: the cost of an aligned 8-byte load+store through a memoryview, as the baseline for
memory/ordering/alignment_misaligned (the pair replaces the original alignment test, which
misaligned nothing). Layout (shared with the misaligned twin): one buffer holding, per
worker, a region of 64-byte records (regions separated by a 128-byte gap so no cache line
is written by two workers); element k of a region sits at byte ``64*k + ELEMENT_OFFSET``
of the region, and region starts are 64-byte aligned (absolute addresses checked through
ctypes). Here ELEMENT_OFFSET = 0: every element is 8-byte aligned and lies inside one line.
The whole buffer (512 records = 32 KiB + gaps) stays L1/L2-resident, so the hardware cost
is the access itself, not a cache miss. Each worker uses its own memoryview (created in the
worker) cast to int64. Held constant against the misaligned twin: code, buffer layout, op
count, number of lines and pages touched; only the element offset within its record differs.

Scaling: strong (``RECORDS`` = 512 elements split across threads; ``size`` passes over them).
Operation: one element read-modify-write (``mv[i] += 1``); ops = size * 512, same as the
misaligned twin.

Expected: GIL builds (3.12, 3.13): no speed-up with threads (GIL serialisation).
Free-threaded (3.13t): time falls towards 1/N up to the core count (regions are private,
so no cache-line sharing). Versus the misaligned twin: on x86-64 an access that splits two
cache lines costs a few extra cycles (a split load/store), tiny against the ~30-60 ns of
interpreter work per ``mv[i] += 1``, so expect at most a few percent difference on any build;
a large difference would point at something other than alignment.
"""
from . import _alignment

ELEMENT_OFFSET = 0       # byte offset of each element inside its 64-byte record


class Alignment(_alignment.Alignment):
    tags = ("memory", "ordering", "alignment")
    element_offset = ELEMENT_OFFSET


WORKLOAD = Alignment
