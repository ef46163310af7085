"""Shared implementation of memory/ordering/alignment and alignment_misaligned (not a workload).

The two differ only in ``element_offset``, the byte offset of each int64 element inside its
4 KiB page; layout, kernel, op count, check and the pair declaration are this module's. See
the workloads' docstrings for what the pair measures and why it is measured this way.

Layout, per worker: two regions A and B of ``ELEMENTS + 1`` pages each (page-aligned; the
extra page holds the tail of a page-splitting last element); element k of a region is the
int64 at byte ``PAGE * k + element_offset`` of that region, holding the value k. Each worker
compares its strided int64 views of A and B (``A == B``): CPython's memoryview comparison
runs a C loop (``cmp_base`` + ``unpack_cmp``) that loads both elements with ``memcpy`` into
locals (plain, possibly unaligned, 8-byte loads), so the loads are not buried under
~100 ns of interpreter work per element as they would be in a Python loop.
"""
import sys
import threading

from ftbench.workload import Workload, WEAK

from ..._shared import Pair, buffer_address, new_buffer_view

PAGE = 4096
ELEMENTS = 64                          # elements per view: one per page
WORD = 8
REGION_BYTES = (ELEMENTS + 1) * PAGE   # one region (A or B)

PAIR = Pair("alignment",
            subject="memory/ordering/alignment_misaligned",
            reference="memory/ordering/alignment",
            expected=[{"build": "any", "threads": "any", "ratio": "higher"}])


class Alignment(Workload):
    scaling = WEAK
    sizes = {"default": 200_000, "quick": 4_000}
    op_name = "element pair compared"
    element_offset = None      # set by each workload: byte offset of each element in its page

    def setup(self, threads, size):
        self.threads, self.size = threads, size
        worker_bytes = 2 * REGION_BYTES
        self.buf = bytearray(threads * worker_bytes + PAGE)
        addr = buffer_address(self.buf)
        base = (-addr) % PAGE
        # byte offset (in buf) of element 0 of region A and of region B, per worker
        self.starts = [(base + t * worker_bytes + self.element_offset,
                        base + t * worker_bytes + REGION_BYTES + self.element_offset)
                       for t in range(threads)]
        # absolute address of every element of region A (for tests / inspection)
        self.element_addresses = [[addr + a + k * PAGE for k in range(ELEMENTS)]
                                  for a, _ in self.starts]
        for a, b in self.starts:
            for k in range(ELEMENTS):
                value = k.to_bytes(WORD, sys.byteorder, signed=True)
                self.buf[a + k * PAGE:a + k * PAGE + WORD] = value
                self.buf[b + k * PAGE:b + k * PAGE + WORD] = value
        self.views = [None] * threads       # (A, B): made by each worker in setup_thread
        self.creators = [None] * threads
        self.equal = [None] * threads

    def setup_thread(self, index):
        # In the worker: a memoryview of the bytearray, cut to region A and B from the first
        # element on, cast to int64 and strided to one element per page (PAGE // WORD items).
        whole = new_buffer_view(self.buf)
        views = []
        for start in self.starts[index]:
            views.append(whole[start:start + ELEMENTS * PAGE].cast("q")[::PAGE // WORD])
        whole.release()
        self.views[index] = tuple(views)
        self.creators[index] = threading.get_ident()

    def hot_objects(self, index):
        views = self.views[index]
        return None if views is None else list(views)

    def before_iteration(self, iteration):
        self.equal = [None] * self.threads

    def run_thread(self, index):
        a, b = self.views[index]
        equal = 0
        for _ in range(self.size):
            if a == b:  # op*ELEMENTS
                equal += 1
        self.equal[index] = equal

    def ops(self, threads, size):
        return threads * size * ELEMENTS

    def check(self):
        for t in range(self.threads):
            if self.equal[t] != self.size:
                return "thread %d: %r of %d comparisons found A == B" % (t, self.equal[t], self.size)
            a, b = self.views[t]
            if len(a) != ELEMENTS or a.tolist() != list(range(ELEMENTS)) or b.tolist() != a.tolist():
                return "thread %d: the views do not hold 0..%d" % (t, ELEMENTS - 1)
        return None

    def teardown(self):
        for views in self.views:
            if views is not None:
                for v in views:
                    v.release()
