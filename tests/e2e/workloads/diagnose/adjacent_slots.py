"""Diagnose known answer, false sharing: each thread increments its own 8-byte slot of one
shared bytearray ("slots"); the slots are 8 bytes apart, all in one 64-byte line.

Expected diagnosis (2+ threads): one line, one writer per slot, different offsets -> false
sharing (contended on a free-threaded build; shared but barely contended with the GIL).
The probe's written words of "slots": exactly the slots, ``base + 8 * t``.
"""
try:
    from ._slots import Slots
except ImportError:  # run as a file: its folder is on sys.path
    from _slots import Slots


class AdjacentSlots(Slots):
    slot_bytes = 8


WORKLOAD = AdjacentSlots
