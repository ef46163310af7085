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
import ctypes

from ftbench.workload import Workload, WEAK

SLOT_BYTES = 8             # adjacent uint64 counters: 8 per 64-byte line
ALIGN = 128


class FalseSharingBaseline(Workload):
    scaling = WEAK
    tags = ("memory", "ordering", "false_sharing", "cache")
    sizes = {"default": 1_000_000, "quick": 40_000}
    op_name = "increment"
    slot_bytes = SLOT_BYTES

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        self.buf = bytearray(threads * self.slot_bytes + 2 * ALIGN)
        c = (ctypes.c_char * len(self.buf)).from_buffer(self.buf)
        addr = ctypes.addressof(c)
        del c
        base = (-addr) % ALIGN
        self.offsets = [base + t * self.slot_bytes for t in range(threads)]
        self.addresses = [addr + off for off in self.offsets]
        self.whole = memoryview(self.buf)

    def before_iteration(self, iteration):
        self.whole[:] = bytes(len(self.buf))

    def _view(self, t):
        off = self.offsets[t]
        return self.whole[off:off + 8].cast("Q")

    def run_thread(self, index):
        v = self._view(index)
        for _ in range(self.size):
            v[0] += 1
        v.release()

    def ops(self, threads, size):
        return threads * size

    def check(self):
        for t in range(self.threads):
            v = self._view(t)
            got = v[0]
            v.release()
            if got != self.size:
                return "thread %d counter is %d, expected %d" % (t, got, self.size)
        return None

    def teardown(self):
        self.whole.release()


WORKLOAD = FalseSharingBaseline
