"""Static contract checks for every workload under workloads/suite (no workload is run here)."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _suite_support as support  # noqa: E402

contract = support.contract


class SuiteContract(unittest.TestCase):
    def test_required_ids_present(self):
        found = set(support.discover_ids())
        missing = [i for i in support.REQUIRED_IDS if i not in found]
        self.assertEqual(missing, [], "workload modules missing")

    def test_lock_patterns_glob(self):
        # "gil/lock_patterns/*" must select the lock-pattern workloads
        pats = [i for i in support.discover_ids() if i.startswith("gil/lock_patterns/")]
        self.assertGreaterEqual(len(pats), 3)

    def test_every_module(self):
        for wid in support.discover_ids():
            with self.subTest(workload=wid):
                mod = support.load(wid)
                cls = getattr(mod, "WORKLOAD", None)
                self.assertTrue(isinstance(cls, type) and issubclass(cls, contract.Workload),
                                "WORKLOAD must be a Workload subclass")
                self.assertIsNot(cls, contract.Workload)
                subclasses = {v for v in vars(mod).values()
                              if isinstance(v, type) and issubclass(v, contract.Workload)
                              and v is not contract.Workload}
                self.assertEqual(subclasses, {cls}, "exactly one Workload subclass per module")
                self.assertIn(cls.scaling, contract.SCALING_LABELS)
                self.assertIsInstance(cls.sizes, dict)
                for key in ("default", "quick"):
                    self.assertIn(key, cls.sizes)
                    self.assertIsInstance(cls.sizes[key], int)
                    self.assertGreater(cls.sizes[key], 0)
                self.assertLess(cls.sizes["quick"], cls.sizes["default"])
                self.assertIsInstance(cls.op_name, str)
                self.assertTrue(cls.op_name and cls.op_name != "op")
                self.assertIsInstance(tuple(cls.tags), tuple)
                self.assertTrue(all(isinstance(t, str) for t in cls.tags))
                for meth in ("run_thread", "ops"):
                    self.assertIsNot(getattr(cls, meth), getattr(contract.Workload, meth),
                                     "%s must be implemented" % meth)

    def test_docstrings(self):
        for wid in support.discover_ids():
            with self.subTest(workload=wid):
                doc = support.load(wid).__doc__
                self.assertTrue(doc and doc.strip(), "module docstring required")
                first_para = doc.strip().split("\n\n")[0]
                self.assertNotIn("\n", first_para, "first paragraph must be one line")
                scaling = support.load(wid).WORKLOAD.scaling
                self.assertRegex(doc, r"(?i)scaling:\s*" + scaling,
                                 "docstring must state the scaling label")
                for other in contract.SCALING_LABELS:
                    if other != scaling:
                        self.assertNotRegex(doc, r"(?i)scaling:\s*" + other)
                self.assertIn("GIL", doc)
                self.assertIn("free-threaded", doc.lower())
                self.assertRegex(doc, r"(?i)isolates")
                self.assertRegex(doc, r"(?i)held constant|holds constant|constant:")
                self.assertRegex(doc, r"(?i)expected")
                self.assertRegex(doc, r"(?i)operation:")

    def test_ops_exact_ints(self):
        for wid in support.discover_ids():
            with self.subTest(workload=wid):
                wl = support.new_instance(wid)
                for size in (wl.sizes["quick"], wl.sizes["default"]):
                    for threads in (1, 2, 3, 8):
                        ops = wl.ops(threads, size)
                        self.assertIsInstance(ops, int)
                        self.assertGreater(ops, 0)
                if wl.scaling == contract.STRONG:
                    q = wl.sizes["quick"]
                    self.assertEqual(wl.ops(1, q), wl.ops(4, q), "strong: total fixed")
                else:   # weak and latency: fixed work per thread
                    q = wl.sizes["quick"]
                    self.assertEqual(wl.ops(4, q), 4 * wl.ops(1, q), "weak: per-thread fixed")


if __name__ == "__main__":
    unittest.main()
