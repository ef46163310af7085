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
from . import _alignment

ELEMENT_OFFSET = 60      # byte offset of each element inside its 64-byte record: bytes 60..67 span two lines


class AlignmentMisaligned(_alignment.Alignment):
    tags = ("memory", "ordering", "alignment", "misaligned")
    element_offset = ELEMENT_OFFSET


WORKLOAD = AlignmentMisaligned
