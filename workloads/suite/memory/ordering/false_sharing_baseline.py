"""False sharing: each thread increments its own 8-byte counter; the counters are adjacent in one cache line.

Isolates: cache-line ping-pong between cores writing *different* bytes of the same line.
Layout: one shared bytearray buffer, 128-byte aligned (checked through ctypes); thread t's
counter is the uint64 at byte ``SLOT_BYTES * t`` with SLOT_BYTES = 8, so threads 0-7 share
one 64-byte line (threads 8-15 the next, ...). The only thing the threads share is the
buffer's cache lines: no shared Python object is touched in the loop (the original test
indexed one shared array object from every thread, which mixed false sharing with refcount
and per-object-lock contention on that object). Held constant: op count, loop code and view
type are identical to false_sharing_padded; only the slot spacing differs. check() verifies
every counter equals its thread's increments exactly (through the view and the raw bytes).

Hot objects: each worker's memoryview (``new_buffer_view(buf)[off:off+8].cast("Q")``), created
by each worker in setup_thread() (untimed), so the view's reference count stays on its
owner's non-atomic path on free-threaded builds. The bytearray itself is created by the main
thread in setup(); the loop never touches its reference count.

Scaling: weak (each thread performs ``size`` increments of its own counter).
Operation: one counter increment (``v[0] += 1``: load, add, store of the uint64); ops =
threads * size.

Expected: GIL builds: only one thread runs at a time, so the line moves between cores at
most once per GIL switch: same time as padded, ~N x the 1-thread time. Free-threaded builds
(GIL disabled): threads run simultaneously and every store needs the line in Modified state
in the writer's cache, so the line ping-pongs between cores (high HITM / snoop counts);
expect per-op time well above false_sharing_padded's at 2+ threads, while at 1 thread the
two are equal. Later versions: memoryview item access takes no per-object lock on 3.13t;
3.14 made bytearray's and array.array's own methods thread-safe with per-object critical
sections, which this loop does not call (if a later version locked memoryview item access,
an uncontended lock on the worker-owned view would add the same cost to both sides). 3.14t
enables the specialising interpreter, which can lower the per-op interpreter cost on both
sides alike. Pair false_sharing: ratio = time per operation
of memory/ordering/false_sharing_baseline (subject) over memory/ordering/false_sharing_padded
(reference). Expected ratio: any build, 1 thread: equal; GIL build, 2+ threads: equal;
free-threaded build (GIL disabled), 2+ threads: higher.
"""
from . import _false_sharing

SLOT_BYTES = 8          # adjacent uint64 counters: 8 per 64-byte line


class FalseSharingBaseline(_false_sharing.FalseSharing):
    slot_bytes = SLOT_BYTES
    pair = _false_sharing.PAIR.side("subject")


WORKLOAD = FalseSharingBaseline
