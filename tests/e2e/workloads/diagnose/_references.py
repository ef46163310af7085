"""Shared implementation of shared_object and immortal_object (not a workload): every thread
repeatedly takes a reference to ONE object (appending it to a local list, dropped at the end
of the iteration). The object is made by the main thread in setup() and named "shared"."""
import ftbench
from ftbench.workload import WEAK, Workload


class References(Workload):
    scaling = WEAK
    tags = ("test", "diagnose")
    sizes = {"default": 100_000, "quick": 20_000}
    op_name = "reference taken"

    def make(self):
        raise NotImplementedError

    def setup(self, threads, size):
        self.obj = ftbench.watch(self.make(), "shared")
        self.counts = [0] * threads

    def run_thread(self, index):
        obj = self.obj
        keep = []
        append = keep.append
        for _ in range(self.size):
            append(obj)  # op: a new reference to the shared object
        self.counts[index] = len(keep)
        del keep  # and as many references dropped

    def ops(self, threads, size):
        return threads * size

    def check(self):
        if self.counts != [self.size] * self.threads:
            return "counts {}, expected {} each".format(self.counts, self.size)
        return None
