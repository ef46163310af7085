"""False sharing: each thread increments its own 8-byte counter; the counters are adjacent in one cache line.

Isolates: cache-line ping-pong between cores writing *different* bytes of the same line.
Layout: one shared bytearray buffer, 128-byte aligned (checked through ctypes); thread t's
counter is the uint64 at byte ``SLOT_BYTES * t`` with SLOT_BYTES = 8, so threads 0-7 share
one 64-byte line (threads 8-15 the next, ...). Each worker increments its counter through
its own memoryview created inside the worker (``buf[off:off+8].cast("Q")``), so the only
thing the threads share is the buffer's cache lines: no shared Python object is touched in
the loop (the original test indexed one shared array object from every thread, which mixed
false sharing with refcount and per-object-lock contention on that object). Held constant:
op count, loop code and view type are identical to false_sharing_padded; only the slot
spacing differs. check() verifies every counter equals its thread's increments exactly.

Scaling: weak (each thread performs ``size`` increments of its own counter).
Operation: one counter increment (``v[0] += 1``: load, add, store of the uint64).

Expected: GIL builds (3.12, 3.13): only one thread runs at a time, so the line moves between
cores at most once per GIL switch: same time as padded, ~N x the 1-thread time. Free-threaded
build (3.13t): threads run simultaneously and every store needs the line in Modified state
in the writer's cache, so the line ping-pongs between cores (high HITM / snoop counts);
expect per-op time well above false_sharing_padded's at 2+ threads, while at 1 thread the
two are equal.
"""
from . import _false_sharing

SLOT_BYTES = 8          # adjacent uint64 counters: 8 per 64-byte line


class FalseSharingBaseline(_false_sharing.FalseSharing):
    slot_bytes = SLOT_BYTES


WORKLOAD = FalseSharingBaseline
