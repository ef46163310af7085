"""Known answers: paired workloads match, and each workload really does what its name says."""
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _suite_support as support  # noqa: E402

LINE = 64


class PairedOps(unittest.TestCase):
    def test_pairs_report_identical_ops(self):
        for a, b in support.PAIRS:
            wa, wb = support.new_instance(a), support.new_instance(b)
            self.assertEqual(wa.scaling, wb.scaling, (a, b))
            self.assertEqual(wa.sizes, wb.sizes, (a, b))
            self.assertEqual(wa.op_name, wb.op_name, (a, b))
            for size in (wa.sizes["quick"], wa.sizes["default"]):
                for threads in (1, 2, 3, 4, 16):
                    with self.subTest(pair=(a, b), threads=threads, size=size):
                        self.assertEqual(wa.ops(threads, size), wb.ops(threads, size))


class FalseSharing(unittest.TestCase):
    def _run(self, wid, threads=4):
        wl = support.new_instance(wid)
        support.drive(wl, threads, support.quick_size(wid), iterations=2)
        return wl

    def test_counters_exact(self):
        for wid in ("memory/ordering/false_sharing_baseline",
                    "memory/ordering/false_sharing_padded"):
            with self.subTest(workload=wid):
                wl = self._run(wid)
                self.assertIsNone(wl.check())
                for t in range(wl.threads):
                    self.assertEqual(wl.views[t][0], wl.size)   # exactly this thread's increments
                # every byte outside the slots is untouched
                slots = set()
                for off in wl.offsets:
                    slots.update(range(off, off + 8))
                self.assertTrue(all(b == 0 for i, b in enumerate(wl.buf) if i not in slots))
                # check() notices a wrong counter
                wl.views[1][0] += 1
                self.assertIsNotNone(wl.check())
                wl.teardown()

    def test_layout(self):
        base = self._run("memory/ordering/false_sharing_baseline")
        lines = {a // LINE for a in base.addresses}
        self.assertEqual(len(lines), 1, "baseline: all 4 counters in one 64-byte line")
        self.assertEqual(base.addresses[0] % LINE, 0)
        padded = self._run("memory/ordering/false_sharing_padded")
        self.assertEqual(padded.addresses[0] % 128, 0)
        gaps = [b - a for a, b in zip(padded.addresses, padded.addresses[1:])]
        self.assertTrue(all(g >= 128 for g in gaps), "padded: 128+ bytes apart")
        self.assertEqual(len({a // 128 for a in padded.addresses}), 4,
                         "padded: no two counters in one adjacent-line pair")
        base.teardown()
        padded.teardown()

    def test_views_are_per_thread(self):
        # each worker indexes its own view, made by itself: never one shared view object
        wl = self._run("memory/ordering/false_sharing_baseline", threads=2)
        v0, v1 = wl.views
        self.assertIsNot(v0, v1)
        main = threading.get_ident()
        self.assertNotIn(main, wl.creators)
        self.assertNotEqual(wl.creators[0], wl.creators[1])
        wl.teardown()


class LockPatterns(unittest.TestCase):
    def test_totals_exact(self):
        for name in ("shared_lock", "per_thread_lock", "try_spin"):
            wid = "gil/lock_patterns/" + name
            with self.subTest(workload=wid):
                wl = support.new_instance(wid)
                support.drive(wl, 3, 2000, iterations=2)
                self.assertIsNone(wl.check())
                if name == "per_thread_lock":
                    self.assertEqual(wl.counts, [2000] * 3)
                    wl.counts[0] -= 1
                else:
                    self.assertEqual(wl.box[0], 3 * 2000)
                    wl.box[0] -= 1
                self.assertIsNotNone(wl.check(), "check() must catch a lost update")

    def test_lock_contention_total(self):
        wl = support.new_instance("scaling/lock_contention")
        support.drive(wl, 3, 2560, iterations=2)
        self.assertIsNone(wl.check())
        self.assertEqual(wl.box[0], 3 * 2560)


class Specialization(unittest.TestCase):
    def test_operand_types(self):
        # both workloads build their inputs with the shared helper; typed keeps the three
        # per-type lists, dynamic interleaves them
        operations = support.load("specialization/_operations")
        self.assertIs(support.new_instance("specialization/typed_operations").interleaved, False)
        self.assertIs(support.new_instance("specialization/dynamic_operations").interleaved, True)
        n = 300
        ints, floats, strs = operations.make_operands(n)
        mixed = operations.interleave(ints, floats, strs)
        # typed: every site (list) is monomorphic
        for part, kind in ((ints, int), (floats, float), (strs, str)):
            self.assertTrue(part)
            self.assertEqual({(type(x), type(y)) for x, y in part}, {(kind, kind)})
        # dynamic: one site, the operand type changes on every operation
        self.assertEqual(len({type(x) for x, _ in mixed}), 3)
        self.assertTrue(all(type(a[0]) is not type(b[0]) for a, b in zip(mixed, mixed[1:])))
        # same operations on the same values
        self.assertEqual(sorted(map(repr, ints + floats + strs)), sorted(map(repr, mixed)))

    def test_kernels_differ_in_site_count(self):
        # typed runs one loop per type (3 add sites), dynamic one loop (1 add site)
        import dis
        typed = support.load("specialization/typed_operations")
        dynamic = support.load("specialization/dynamic_operations")

        def adds(fn):   # BINARY_ADD before 3.11, BINARY_OP "+" (not "+=") since
            return sum(1 for ins in dis.get_instructions(fn)
                       if ins.opname == "BINARY_ADD"
                       or (ins.opname == "BINARY_OP" and ins.argrepr == "+"))
        self.assertEqual(adds(typed._kernel), 3)
        self.assertEqual(adds(dynamic._kernel), 1)


class _Recorder(object):
    """Stands in for the int64 memoryview: records every index read."""

    def __init__(self):
        self.reads = []

    def __getitem__(self, i):
        self.reads.append(i)
        return 0


class MemoryOrdering(unittest.TestCase):
    def test_strided_visits_every_element_once(self):
        seq = support.load("memory/ordering/sequential")
        strided = support.load("memory/ordering/strided")
        walk = support.load("memory/ordering/_walk")     # the kernel both share
        w = walk.WORDS_PER_RECORD
        for nrec in (1, 63, 64, 65, 1000, 4096):
            with self.subTest(nrec=nrec):
                rs, rq = _Recorder(), _Recorder()
                walk.kernel(rs, nrec, strided.WORKLOAD.stride_records)
                walk.kernel(rq, nrec, seq.WORKLOAD.stride_records)
                expected = [r * w for r in range(nrec)]
                self.assertEqual(sorted(rs.reads), expected, "each element exactly once")
                self.assertEqual(rq.reads, expected, "sequential in address order")
                if nrec >= 2 * strided.STRIDE_RECORDS:
                    steps = {b - a for a, b in zip(rs.reads, rs.reads[1:]) if b > a}
                    self.assertIn(strided.STRIDE_RECORDS * w, steps)
                    self.assertNotIn(w, steps, "strided never reads the next record next")

    def test_element_and_stride_bytes(self):
        strided = support.load("memory/ordering/strided")
        walk = support.load("memory/ordering/_walk")
        self.assertEqual(walk.RECORD_BYTES, LINE)                 # one element per line
        self.assertGreaterEqual(strided.STRIDE_RECORDS * walk.RECORD_BYTES, 4096)

    def test_runs_read_all_values(self):
        for wid in ("memory/ordering/sequential", "memory/ordering/strided"):
            with self.subTest(workload=wid):
                wl = support.new_instance(wid)
                support.drive(wl, 3, 1001, iterations=1)
                self.assertEqual(wl.base_address % LINE, 0)
                self.assertEqual(sum(wl.sums), 1001 * 1000 // 2)
                wl.teardown()

    def test_alignment_offsets(self):
        alignment = support.load("memory/ordering/_alignment")
        page = alignment.PAGE
        for wid, misaligned in (("memory/ordering/alignment", False),
                                ("memory/ordering/alignment_misaligned", True)):
            with self.subTest(workload=wid):
                wl = support.new_instance(wid)
                support.drive(wl, 2, 3, iterations=1)
                self.assertIsNone(wl.check())
                for addresses in wl.element_addresses:
                    self.assertEqual(len(addresses), alignment.ELEMENTS)
                    self.assertEqual(len({a // page for a in addresses}), alignment.ELEMENTS,
                                     "one element per page")
                    for addr in addresses:
                        if misaligned:
                            self.assertNotEqual(addr % 8, 0)
                            self.assertGreater(addr % page + 8, page, "must straddle a page")
                        else:
                            self.assertEqual(addr % page, 0)
                # the views read exactly those bytes: raw bytes at the documented offsets
                a_view, b_view = wl.views[0]
                a_start, b_start = wl.starts[0]
                for k in (0, 1, alignment.ELEMENTS - 1):
                    raw = int.from_bytes(bytes(wl.buf[a_start + k * page:a_start + k * page + 8]),
                                         sys.byteorder, signed=True)
                    self.assertEqual((raw, a_view[k]), (k, k))
                # a planted difference in B makes every comparison fail, and check() says so
                wl.buf[b_start + 5 * page] ^= 0xFF
                self.assertFalse(a_view == b_view)
                wl.before_iteration(1)
                wl.run_thread(0)
                self.assertIsNotNone(wl.check())
                wl.teardown()
        self.assertEqual(support.load("memory/ordering/alignment").ELEMENT_OFFSET, 0)
        misaligned_offset = support.load("memory/ordering/alignment_misaligned").ELEMENT_OFFSET
        self.assertEqual(misaligned_offset % 8, 4)
        self.assertGreater(misaligned_offset + 8, page)


class RefCounting(unittest.TestCase):
    def test_cross_thread_objects_cross_threads(self):
        wl = support.new_instance("memory/ref_counting/cross_thread")
        support.drive(wl, 2, 400, iterations=2)
        self.assertIsNone(wl.check())
        main = threading.get_ident()
        for t in range(2):
            user = wl.users[t]
            self.assertNotEqual(user, main)
            for obj in wl.pools[t]:
                self.assertNotEqual(obj.creator, user, "created by another thread")
                self.assertEqual(obj.creator, main)

    def test_thread_local_objects_stay_local(self):
        wl = support.new_instance("memory/ref_counting/thread_local")
        support.drive(wl, 2, 400, iterations=2)
        self.assertIsNone(wl.check())
        self.assertNotEqual(wl.users[0], wl.users[1])
        for t in range(2):
            self.assertTrue(all(o.creator == wl.users[t] for o in wl.pools[t]))
            self.assertNotEqual(wl.pools[t][0].creator, threading.get_ident())

    def test_churn_pools(self):
        per = support.new_instance("scaling/object_churn_per_thread")
        support.drive(per, 2, 500, iterations=1)
        self.assertIsNone(per.check())
        self.assertIsNot(per.pools[0], per.pools[1])
        shared = support.new_instance("scaling/object_churn_shared")
        support.drive(shared, 2, 500, iterations=1)
        self.assertIsNone(shared.check())


class Constants(unittest.TestCase):
    def test_constant_kinds(self):
        lc = support.load("bytecode/load_const").constants()
        ls = support.load("bytecode/load_string_const").constants()
        self.assertEqual(len(lc), 10)
        self.assertEqual(len(ls), 10)
        self.assertFalse(any(isinstance(c, str) for c in lc))
        self.assertTrue(all(isinstance(c, str) and not c.isidentifier() for c in ls),
                        "string constants must not be identifier-like (not auto-interned)")


class _Forbidden(object):
    """Stands in for the shared buffer: any use from a timed body is an error."""

    def __getattr__(self, name):
        raise AssertionError("the timed body used the shared buffer (.%s)" % name)

    def __getitem__(self, key):
        raise AssertionError("the timed body indexed the shared buffer")

    def __len__(self):
        raise AssertionError("the timed body used the shared buffer")


VIEW_WORKLOADS = (
    "memory/ordering/false_sharing_baseline",
    "memory/ordering/false_sharing_padded",
    "memory/ordering/alignment",
    "memory/ordering/alignment_misaligned",
    "memory/ordering/sequential",
    "memory/ordering/strided",
)


class SharedViewsStayOutOfTimedBodies(unittest.TestCase):
    """Slicing or releasing views of one memoryview from several threads at once fails on
    3.13t ("operation forbidden on released memoryview object"), intermittently: so each
    worker makes its own memoryview of the bytearray in setup_thread, and the timed bodies
    only use those (never the shared buffer, never a shared view)."""

    def test_run_thread_never_touches_the_shared_buffer(self):
        for wid in VIEW_WORKLOADS:
            with self.subTest(workload=wid):
                wl = support.new_instance(wid)
                size = support.quick_size(wid)
                wl.threads, wl.size = 2, size
                wl.setup(2, size)
                wl.setup_thread(0)
                wl.setup_thread(1)
                wl.before_iteration(0)
                shared = wl.buf
                wl.buf = _Forbidden()
                try:
                    wl.run_thread(0)
                    wl.run_thread(1)
                finally:
                    wl.buf = shared
                self.assertFalse(any(isinstance(v, memoryview) for v in vars(wl).values()),
                                 "no memoryview may be shared through an attribute")
                wl.teardown()

    def test_concurrent_view_creation_and_use(self):
        # the failure was intermittent: repeat the concurrent set-up and runs
        for wid in VIEW_WORKLOADS:
            with self.subTest(workload=wid):
                for _ in range(10):
                    wl = support.new_instance(wid)
                    size = 4 if "alignment" in wid else (512 if "quential" in wid or "strided" in wid else 200)
                    support.drive(wl, 2, size, iterations=2)
                    self.assertIsNone(wl.check())
                    wl.teardown()


if __name__ == "__main__":
    unittest.main()
