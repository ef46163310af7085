"""The nightly end-to-end test's workloads: one loop of integer hashing, measured as two
benchmarks. The one whose `knob` is set reads knob.json beside this file, so the test can make
it slower without changing its code (the series stays the same series)."""
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


def knob_extra(threads):
    """The share of extra elements knob.json asks of this build at `threads`:
    {"extra": 0.6, "free_threaded": true, "threads": 1} -> 0.6 for a free-threaded build at
    one thread, 0 otherwise; 0 without the file."""
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


class Compute(Workload):
    scaling = WEAK
    tags = ("test",)
    sizes = {"default": 200_000, "quick": 60_000}
    op_name = "element"
    knob = False

    def setup(self, threads, size):
        # The op count stays `size` a thread: extra elements raise the time per operation.
        self.work = int(size * (1.0 + (knob_extra(threads) if self.knob else 0.0)))
        self.results = [None] * threads

    def run_thread(self, index):
        self.results[index] = _hash_range(self.work)

    def ops(self, threads, size):
        return size * threads

    def check(self):
        return None if all(r is not None for r in self.results) else "a worker did not finish"
