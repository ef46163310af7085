"""Misbehaving fixture workloads: the driver must classify each as fixtures/EXPECTED.json
says, and the harness must report each failure in the right phase (or, for the ones that
take the process down, leave a transcript that shows it)."""

import os
import re
import time
import unittest

from channel_driver import drive
from support import QUICK, expectations, fixture, run_harness


def _pid_gone(pid):
    """True once ``pid`` no longer exists or is a zombie nobody has reaped yet."""
    try:
        with open("/proc/{}/stat".format(pid)) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


class Classification(unittest.TestCase):
    """Every fixture in EXPECTED.json, at 1 and 2 threads."""

    runs = {}

    @classmethod
    def run_fixture(cls, name, threads):
        key = (name, threads)
        if key not in cls.runs:
            expected = expectations()["workloads"][name]
            # timeout_s (the hang's) is short, to catch a hang in an iteration quickly; the
            # start before it (interpreter, import, setup) may take seconds on a loaded box.
            cls.runs[key] = drive([fixture(name), "--threads", str(threads)] + QUICK,
                                  timeout=expected.get("timeout_s", 60), startup_timeout=60)
        return cls.runs[key]

    def test_each_fixture_is_classified_as_expected(self):
        for name, expected in sorted(expectations()["workloads"].items()):
            for threads in (1, 2):
                with self.subTest(fixture=name, threads=threads):
                    run = self.run_fixture(name, threads)
                    self.assertEqual(run.outcome, expected["outcome"], run.report())
                    self.assertEqual(run.phase, expected.get("phase"), run.report())
                    if "exit_status" in expected:
                        self.assertEqual(run.returncode, expected["exit_status"], run.report())

    def test_noise_stays_off_the_channel(self):
        run = self.run_fixture("noisy_stdout.py", 2)
        self.assertGreater(run.stdout.count('{"type":"done"'), 2 * 200 * 4, "stdout was not kept")
        self.assertIn("noise on stderr", run.stderr)
        self.assertEqual(len(run.dones), 4)

    def test_worker_failure_is_reported_without_waiting_for_blocked_peers(self):
        run = self.run_fixture("raise_in_run_thread.py", 2)
        self.assertEqual(len(run.dones), 1, "iteration 0 should have completed")
        self.assertIn("worker 0", run.last["message"])
        self.assertIn("fixture: worker 0 fails in iteration 1", run.last["traceback"])

    def test_crash_leaves_a_truncated_transcript(self):
        run = self.run_fixture("exit_mid_iteration.py", 2)
        self.assertEqual([m["type"] for m in run.messages][-1], "ready")
        self.assertEqual(len(run.dones), 1)

    def test_hang_is_killed_with_its_process_group(self):
        run = self.run_fixture("hang.py", 2)
        match = re.search(r"grandchild pid (\d+)", run.stdout)
        self.assertIsNotNone(match, run.report())
        pid = int(match.group(1))
        deadline = time.monotonic() + 30
        while not _pid_gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(_pid_gone(pid), "grandchild {} survived the kill".format(pid))

    def test_garbage_on_the_channel_is_detected(self):
        run = self.run_fixture("garbage_channel.py", 1)
        self.assertTrue(any("not a JSON object" in p for p in run.problems), run.report())

    def test_import_error_hello_has_unknown_workload_fields(self):
        run = self.run_fixture("import_error.py", 1)
        workload = run.hello["workload"]
        self.assertIsNone(workload["ops_per_iteration"])
        self.assertEqual(workload["threads"], 1)
        self.assertIn("ftbench_no_such_module", run.last["message"])

    def test_setup_thread_failure_is_a_setup_error_before_any_ready(self):
        for threads in (1, 2):
            with self.subTest(threads=threads):
                run = self.run_fixture("raise_in_setup_thread.py", threads)
                self.assertEqual([m["type"] for m in run.messages], ["hello", "error"], run.report())
                self.assertEqual(run.last["phase"], "setup")
                self.assertIn("worker {} raised ValueError in setup_thread".format(threads - 1),
                              run.last["message"])
                self.assertIn("fixture: setup_thread fails on purpose", run.last["traceback"])

    def test_setup_thread_runs_in_its_worker_before_the_first_ready(self):
        run = self.run_fixture("setup_thread_owner.py", 2)
        self.assertEqual(run.outcome, "ok", run.report())
        self.assertTrue(run.last["checked"])

    def test_contract_problems_are_named(self):
        run = self.run_fixture("bad_contract.py", 1)
        self.assertIn("scaling", run.last["message"])
        self.assertIn("ops()", run.last["message"])


class Standalone(unittest.TestCase):
    """The same fixtures are usable as plain `python -m ftbench FIXTURE` (the C++ tests
    reuse them): exit status 0 for ok, 1 for an error, the crash's own status."""

    def test_standalone_exit_statuses(self):
        statuses = {"ok": 0, "error": 1}
        for name, expected in sorted(expectations()["workloads"].items()):
            if expected["outcome"] not in ("ok", "error", "crash"):
                continue  # a hang hangs; garbage needs a channel to be garbage
            with self.subTest(fixture=name):
                done = run_harness([fixture(name), "--threads", "2", "--warmups", "1",
                                    "--iterations", "1"] + QUICK)
                want = expected.get("exit_status", statuses.get(expected["outcome"]))
                self.assertEqual(done.returncode, want, done.stderr[-2000:])
                if expected["outcome"] == "error":
                    self.assertIn("ftbench: {} failed".format(expected["phase"]), done.stderr)


if __name__ == "__main__":
    unittest.main()
