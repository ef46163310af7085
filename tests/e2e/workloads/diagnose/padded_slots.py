"""Diagnose known answer, no sharing: like adjacent_slots, but the slots are 128 bytes apart
(one per 64-byte line, a line between them).

Expected diagnosis: one writer per line -> not shared.
"""
try:
    from ._slots import Slots
except ImportError:  # run as a file: its folder is on sys.path
    from _slots import Slots


class PaddedSlots(Slots):
    slot_bytes = 128


WORKLOAD = PaddedSlots
