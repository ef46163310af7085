"""Test workload for the nightly end-to-end test: integer hashing whose amount of work a
knob file can raise, without any change to this code (so the series stays the same series).

knob.json beside this file, when present: {"extra": 0.6, "free_threaded": true, "threads": 1}
makes builds of that kind, at that thread count, do 60 % more elements per operation's worth
of time (the op count stays the same, so the time per operation rises about 60 %). Absent: no
extra work.
"""
import json
import os
import sys

from ftbench.workload import Workload, WEAK


def _hash_range(n):
    acc = 0
    for i in range(n):
        x = (i * 2654435761) & 0x7FFFFFFF
        acc += (x ^ (x >> 13)) & 0xFFFF
    return acc


def _extra_work(threads):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "knob.json")
    try:
        with open(path) as f:
            knob = json.load(f)
    except OSError:
        return 0.0
    free_threaded = not getattr(sys, "_is_gil_enabled", lambda: True)()
    if bool(knob.get("free_threaded")) != free_threaded or knob.get("threads", threads) != threads:
        return 0.0
    return float(knob.get("extra", 0.0))


class KnobCompute(Workload):
    scaling = WEAK
    tags = ("test",)
    sizes = {"default": 200_000, "quick": 60_000}
    op_name = "element"

    def setup(self, threads, size):
        self.size = size
        self.work = int(size * (1.0 + _extra_work(threads)))
        self.results = [None] * threads

    def run_thread(self, index):
        self.results[index] = _hash_range(self.work)

    def ops(self, threads, size):
        return size * threads

    def check(self):
        return None if all(r is not None for r in self.results) else "a worker did not finish"


WORKLOAD = KnobCompute
