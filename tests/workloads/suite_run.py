"""Every workload runs at its quick size at 1 and 2 threads, harness-style, and check() passes."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _suite_support as support  # noqa: E402


class SuiteRuns(unittest.TestCase):
    def test_quick_runs_and_checks(self):
        for wid in support.discover_ids():
            for threads in (1, 2):
                with self.subTest(workload=wid, threads=threads):
                    wl = support.new_instance(wid)
                    support.drive(wl, threads, support.quick_size(wid), iterations=2)
                    try:
                        self.assertIsNone(wl.check())
                    finally:
                        wl.teardown()

    def test_three_threads_uneven_split(self):
        # strong-scaling workloads must split work exactly even when it does not divide
        for wid in support.discover_ids():
            wl = support.new_instance(wid)
            if wl.scaling != support.contract.STRONG:
                continue
            with self.subTest(workload=wid):
                # +1 makes the total indivisible by 3 (alignment's size is a pass count;
                # its 512 elements already split unevenly over 3 threads)
                support.drive(wl, 3, support.quick_size(wid) + 1, iterations=1)
                try:
                    self.assertIsNone(wl.check())
                finally:
                    wl.teardown()


if __name__ == "__main__":
    unittest.main()
