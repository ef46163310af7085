"""Test workload for the nightly end-to-end test: the same kind of work as knob_compute, never
changed, so its series must stay quiet while knob_compute's moves."""
from ftbench.workload import Workload, WEAK


def _sum_squares(n):
    acc = 0
    for i in range(n):
        acc += (i * i) & 0xFFFF
    return acc


class SteadyCompute(Workload):
    scaling = WEAK
    tags = ("test",)
    sizes = {"default": 200_000, "quick": 60_000}
    op_name = "element"

    def setup(self, threads, size):
        self.size = size
        self.results = [None] * threads

    def run_thread(self, index):
        self.results[index] = _sum_squares(self.size)

    def ops(self, threads, size):
        return size * threads

    def check(self):
        return None if all(r is not None for r in self.results) else "a worker did not finish"


WORKLOAD = SteadyCompute
