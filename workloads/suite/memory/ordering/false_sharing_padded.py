"""False sharing avoided: each thread increments its own 8-byte counter; counters are 128 bytes apart.

Isolates: the same per-thread counter increments as memory/ordering/false_sharing_baseline
without any shared cache line, as the control for it. Layout: one shared bytearray buffer,
128-byte aligned (checked through ctypes); thread t's counter is the uint64 at byte
``SLOT_BYTES * t`` with SLOT_BYTES = 128: every counter has a 64-byte line to itself, and
the spacing is two lines rather than one because Intel's spatial (adjacent-line) prefetcher
fetches lines in 128-byte pairs, which can re-create sharing at a 64-byte spacing. No Python
object is shared in the loop. Held constant: op count, loop code and view type are identical
to the baseline; only the slot spacing differs. check() verifies every counter equals its
thread's increments exactly.

Hot objects: each worker's memoryview over its counter, created by each worker in
setup_thread() (untimed); the bytearray is created by the main thread in setup() and its
reference count is not touched in the loop.

Scaling: weak (each thread performs ``size`` increments of its own counter).
Operation: one counter increment (``v[0] += 1``: load, add, store of the uint64); ops =
threads * size.

Expected: GIL builds: ~N x the 1-thread time (GIL serialisation), same as the baseline.
Free-threaded builds (GIL disabled): each line stays in its writer's cache, so time stays
near flat up to the core count and HITM stays near zero; the baseline/padded ratio at N
threads is the cost of false sharing. Later versions: as for the baseline (no per-object
lock on memoryview item access on 3.13t; 3.14t's specialising interpreter can lower the
per-op cost on both sides alike). Pair false_sharing: ratio = time per operation of
memory/ordering/false_sharing_baseline (subject) over memory/ordering/false_sharing_padded
(reference). Expected ratio: any build, 1 thread: equal; GIL build, 2+ threads: equal;
free-threaded build (GIL disabled), 2+ threads: higher.
"""
from . import _false_sharing

SLOT_BYTES = 128        # two lines per counter: defeats the adjacent-line (128-byte pair) prefetcher


class FalseSharingPadded(_false_sharing.FalseSharing):
    slot_bytes = SLOT_BYTES
    pair = _false_sharing.PAIR.side("reference")


WORKLOAD = FalseSharingPadded
