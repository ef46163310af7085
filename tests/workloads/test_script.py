"""run-script mode: a plain script as the timed region, in channel and standalone mode."""

import unittest

from channel_driver import ERROR, OK, drive
from support import expectations, fixture, run_harness


def script_args(name, threads):
    args = expectations()["scripts"][name]["args"]
    return [a.replace("{threads}", str(threads)) for a in args]


class RunScript(unittest.TestCase):
    def test_script_gets_argv_and_thread_count(self):
        for threads in (1, 2):
            with self.subTest(threads=threads):
                run = drive(["run-script", fixture("script_argv.py"), "--threads", str(threads),
                             "--"] + script_args("script_argv.py", threads))
                self.assertEqual(run.outcome, OK, run.report())
                workload = run.hello["workload"]
                self.assertEqual((workload["kind"], workload["scaling"], workload["ops_per_iteration"]),
                                 ("script", "weak", threads))
                self.assertIsNone(workload["size"])
                self.assertEqual(workload["id"], fixture("script_argv.py"))
                # 4 iterations, one run per thread each, each printing one line.
                self.assertEqual(run.stdout.count("script_argv ok hello world"), 4 * threads, run.report())

    def test_nonzero_exit_is_an_error(self):
        run = drive(["run-script", fixture("script_exit_nonzero.py"), "--threads", "2"])
        expected = expectations()["scripts"]["script_exit_nonzero.py"]
        self.assertEqual((run.outcome, run.phase), (ERROR, expected["phase"]), run.report())
        self.assertIn("status 3", run.last["message"])

    def test_missing_script_is_an_import_error(self):
        run = drive(["run-script", fixture("no_such_script.py")])
        self.assertEqual((run.outcome, run.phase), (ERROR, "import"), run.report())
        self.assertEqual(run.hello["workload"]["kind"], "script")

    def test_standalone(self):
        done = run_harness(["run-script", fixture("script_argv.py"), "--threads", "2",
                            "--iterations", "2", "--"] + script_args("script_argv.py", 2))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("script workload, weak scaling", done.stdout)
        self.assertIn("measured iterations: 2", done.stdout)
        self.assertEqual(done.stdout.count("script_argv ok hello world"), 2 * 3)

    def test_script_options_after_double_dash_are_not_ours(self):
        # --threads after "--" belongs to the script, which then fails its own argv check.
        done = run_harness(["run-script", fixture("script_argv.py"), "--iterations", "1", "--",
                            "--threads", "2"])
        self.assertEqual(done.returncode, 1)
        self.assertIn("usage: script_argv.py", done.stderr)


if __name__ == "__main__":
    unittest.main()
