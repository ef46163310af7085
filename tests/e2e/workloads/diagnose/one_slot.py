"""Diagnose known answer, true sharing: every thread increments the same 8-byte slot of the
shared bytearray "slots" (each through its own memoryview of that slot).

Expected diagnosis (2+ threads): one word written by every thread -> true sharing (a
buffer word, so not refcount contention). Increments race: check() accepts lost updates.
"""
try:
    from ._slots import Slots
except ImportError:  # run as a file: its folder is on sys.path
    from _slots import Slots


class OneSlot(Slots):
    slot_bytes = 0


WORKLOAD = OneSlot
