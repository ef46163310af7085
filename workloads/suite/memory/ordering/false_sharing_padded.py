"""False sharing avoided: each thread increments its own 8-byte counter; counters are 128 bytes apart.

Isolates: the same per-thread counter increments as memory/ordering/false_sharing_baseline
without any shared cache line, as the control for it. Layout: one shared bytearray buffer,
128-byte aligned (checked through ctypes); thread t's counter is the uint64 at byte
``SLOT_BYTES * t`` with SLOT_BYTES = 128: every counter has a 64-byte line to itself, and
the spacing is two lines rather than one because Intel's spatial (adjacent-line) prefetcher
fetches lines in 128-byte pairs, which can re-create sharing at a 64-byte spacing. Each
worker uses its own memoryview created inside the worker, so no Python object is shared in
the loop. Held constant: op count, loop code and view type are identical to the baseline;
only the slot spacing differs. check() verifies every counter equals its thread's
increments exactly.

Scaling: weak (each thread performs ``size`` increments of its own counter).
Operation: one counter increment (``v[0] += 1``: load, add, store of the uint64).

Expected: GIL builds (3.12, 3.13): ~N x the 1-thread time (GIL serialisation), same as the
baseline. Free-threaded build (3.13t): each line stays in its writer's cache, so time stays
near flat up to the core count and HITM stays near zero; the baseline/padded ratio at N
threads is the cost of false sharing.
"""
import ctypes

from ftbench.workload import Workload, WEAK

SLOT_BYTES = 128           # two lines per counter: defeats the adjacent-line (128-byte pair) prefetcher
ALIGN = 128


class FalseSharingPadded(Workload):
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


WORKLOAD = FalseSharingPadded
