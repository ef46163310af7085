"""Shared implementation of the diagnose test workloads that write 8-byte slots of one
shared bytearray (adjacent_slots, padded_slots, one_slot); not a workload.

Layout: one bytearray made by the main thread in setup(), named "slots" with ftbench.watch();
the first slot starts on a 64-byte line (its address is read through ctypes; without ctypes
the buffer's own 16-byte malloc alignment still keeps slots 0 and 8 in one line). Slot t
(thread t's) is at ``base + t * slot_bytes``; ``slot_bytes = 0`` puts every thread on the same
slot. Each thread writes through its own memoryview slice cast to "Q", made in setup(), so
before any worker thread exists.

Every write is one trap when watched (about 20 us in a VM), so sizes stay small: quick =
20,000 writes per thread.
"""
import ftbench
from ftbench.workload import WEAK, Workload

LINE = 64


def buffer_address(buf):
    """Address of a bytearray's first byte, or None without ctypes."""
    try:
        import ctypes
    except ImportError:
        return None
    view = (ctypes.c_char * len(buf)).from_buffer(buf)
    try:
        return ctypes.addressof(view)
    finally:
        del view


class Slots(Workload):
    scaling = WEAK
    tags = ("test", "diagnose")
    sizes = {"default": 100_000, "quick": 20_000}
    op_name = "slot increment"
    slot_bytes = 8

    def setup(self, threads, size):
        self.buf = ftbench.watch(bytearray(2 * LINE + threads * max(self.slot_bytes, 8)), "slots")
        address = buffer_address(self.buf)
        self.base = 0 if address is None else (-address) % LINE
        self.offsets = [self.base + t * self.slot_bytes for t in range(threads)]
        whole = memoryview(self.buf)
        self.views = [whole[off:off + 8].cast("Q") for off in self.offsets]
        whole.release()

    def before_iteration(self, iteration):
        self.buf[:] = bytes(len(self.buf))  # same length: allowed while the views exist

    def run_thread(self, index):
        v = self.views[index]
        for _ in range(self.size):
            v[0] += 1  # op

    def ops(self, threads, size):
        return threads * size

    def check(self):
        values = [v[0] for v in self.views]
        if self.slot_bytes == 0:  # one shared slot: increments race (lost updates allowed)
            if not 0 < values[0] <= self.threads * self.size:
                return "shared slot is {}, expected 1..{}".format(values[0], self.threads * self.size)
        elif values != [self.size] * self.threads:
            return "slots are {}, expected {} each".format(values, self.size)
        return None

    def teardown(self):
        for v in self.views:
            v.release()
