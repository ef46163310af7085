"""The harness in channel mode, driven by the reference driver: every suite workload, and
the protocol's edge cases (stops, garbled commands, EOF, GIL state, usage errors)."""

import unittest

from channel_driver import OK, HarnessProcess, drive, harness_env, validate_transcript
from support import (FREE_THREADED_BUILD, QUICK, assert_hello_describes_this_interpreter,
                     fixture, run_harness, suite_listing)

COUNTER = [fixture("counter.py")] + QUICK


class SuiteWorkloads(unittest.TestCase):
    """Each suite workload at quick size, 1 and 2 threads: 2 warm-ups + 2 measured."""

    def test_every_suite_workload(self):
        listing_run, listing = suite_listing()
        self.assertEqual(listing_run.returncode, 0, listing_run.stderr)
        self.assertEqual(listing["errors"], [])
        self.assertTrue(listing["workloads"], "the suite lists no workload")
        for workload in listing["workloads"]:
            for threads in (1, 2):
                with self.subTest(workload=workload["id"], threads=threads):
                    run = drive([workload["id"], "--threads", str(threads)] + QUICK)
                    self.assertEqual(run.outcome, OK, run.report())
                    self.assertEqual([d["warmup"] for d in run.dones], [True, True, False, False])
                    hello = run.hello["workload"]
                    self.assertEqual((hello["id"], hello["kind"], hello["size_preset"]),
                                     (workload["id"], "suite", "quick"))
                    self.assertEqual(hello["size"], workload["sizes"]["quick"])
                    self.assertEqual(hello["scaling"], workload["scaling"])
                    self.assertEqual(hello["pair"], workload["pair"])
                    # Counters attach at hello and only follow threads created later.
                    self.assertIn(run.hello["os_threads"], (1, None), run.report())
                    assert_hello_describes_this_interpreter(self, run.hello)


class Conversation(unittest.TestCase):
    def test_full_conversation(self):
        run = drive(COUNTER + ["--threads", "3"], warmups=1, iterations=3)
        self.assertEqual(run.outcome, OK, run.report())
        self.assertEqual(len(run.dones), 4)
        self.assertTrue(run.last["checked"])
        self.assertEqual(run.hello["workload"]["ops_per_iteration"], 3 * 2000)
        for done in run.dones:
            tids = [t["tid"] for t in done["threads"]]
            self.assertEqual(len(set(tids)), 3, "bodies must run on 3 distinct threads")
            self.assertNotIn(run.hello["pid"], tids, "a body ran on the main thread")
        assert_hello_describes_this_interpreter(self, run.hello)

    def test_no_thread_exists_at_hello(self):
        run = drive(COUNTER + ["--threads", "4"], warmups=0, iterations=1)
        self.assertEqual(run.outcome, OK, run.report())
        if run.hello["os_threads"] is None:
            self.skipTest("no /proc/self/task here")
        self.assertEqual(run.hello["os_threads"], 1)

    def test_stop_after_hello_runs_nothing(self):
        run = drive([fixture("noisy_stdout.py")] + QUICK, stop="hello")
        self.assertEqual(run.outcome, OK, run.report())
        self.assertEqual([m["type"] for m in run.messages], ["hello", "bye"])
        self.assertFalse(run.last["checked"])
        self.assertNotIn('{"type":"hello","protocol":1}', run.stdout, "setup() ran")

    def test_stop_after_ready_skips_check(self):
        run = drive(COUNTER, warmups=1, iterations=1, stop="ready")
        self.assertEqual(run.outcome, OK, run.report())
        self.assertEqual([m["type"] for m in run.messages][-2:], ["ready", "bye"])
        self.assertFalse(run.last["checked"])

    def test_unknown_fields_are_ignored(self):
        harness = HarnessProcess(COUNTER)
        try:
            self.assertEqual(harness.receive(60)["message"]["type"], "hello")
            harness.send({"type": "start", "from_the_future": [1, 2]})
            self.assertEqual(harness.receive(60)["message"]["type"], "ready")
            harness.send({"type": "stop", "reason": "test"})
            self.assertEqual(harness.receive(60)["message"]["type"], "bye")
            self.assertEqual(harness.wait(60), 0)
        finally:
            harness.finish()
        self.assertEqual(validate_transcript(harness.transcript, harness.proc.returncode), [])


class BadOrchestrator(unittest.TestCase):
    """Whatever the orchestrator gets wrong, the harness answers with a protocol error."""

    def converse(self, replies):
        """Send ``replies`` one per harness message; return (last harness message, status)."""
        harness = HarnessProcess(COUNTER)
        try:
            message = None
            for reply in replies:
                message = harness.receive(60)["message"]
                harness.send(reply)
            entry = harness.receive(60)
            status = harness.wait(60)
        finally:
            harness.finish()
        self.assertIsNotNone(entry, "\n".join(e["raw"] for e in harness.transcript))
        return entry["message"], status, harness

    def assert_protocol_error(self, replies, fragment):
        message, status, harness = self.converse(replies)
        self.assertEqual(message["type"], "error", harness.transcript)
        self.assertEqual(message["phase"], "protocol")
        self.assertIn(fragment, message["message"])
        self.assertEqual(status, 1)
        self.assertEqual(harness.stderr, "", "channel mode must keep stderr for the workload")

    def test_not_json(self):
        self.assert_protocol_error([b"start please\n"], "not a JSON line")

    def test_not_an_object(self):
        self.assert_protocol_error([b"[1, 2]\n"], "JSON object")

    def test_go_before_start(self):
        self.assert_protocol_error([{"type": "go", "iteration": 0, "warmup": False}], "unexpected 'go'")

    def test_wrong_iteration(self):
        self.assert_protocol_error([{"type": "start"}, {"type": "go", "iteration": 1, "warmup": True}],
                                   "iteration 0")

    def test_warmup_not_boolean(self):
        self.assert_protocol_error([{"type": "start"}, {"type": "go", "iteration": 0, "warmup": 1}],
                                   "boolean 'warmup'")

    def test_wrong_ack(self):
        self.assert_protocol_error([{"type": "start"}, {"type": "go", "iteration": 0, "warmup": True},
                                    {"type": "ack", "iteration": 5}], "iteration 0")

    def test_eof_exits_quietly(self):
        for after in ("hello", "ready", "done"):
            with self.subTest(after=after):
                harness = HarnessProcess(COUNTER)
                try:
                    replies = {"hello": [], "ready": [{"type": "start"}],
                               "done": [{"type": "start"}, {"type": "go", "iteration": 0, "warmup": False}]}
                    for reply in replies[after]:
                        harness.receive(60)
                        harness.send(reply)
                    self.assertEqual(harness.receive(60)["message"]["type"], after)
                    harness.close_channel()
                    self.assertIsNone(harness.receive(60), "nothing may follow EOF")
                    self.assertEqual(harness.wait(60), 3)
                finally:
                    harness.finish()
                self.assertEqual(harness.stderr, "")


class GilState(unittest.TestCase):
    @unittest.skipUnless(FREE_THREADED_BUILD, "PYTHON_GIL only selects the GIL on free-threaded builds")
    def test_gil_state_is_reported(self):
        for setting, expected in (("0", False), ("1", True)):
            with self.subTest(PYTHON_GIL=setting):
                run = drive(COUNTER + ["--threads", "2"], env=harness_env({"PYTHON_GIL": setting}))
                self.assertEqual(run.outcome, OK, run.report())
                self.assertIs(run.hello["interpreter"]["gil_enabled"], expected)
                self.assertEqual({d["gil_enabled"] for d in run.dones}, {expected})
                self.assertIs(run.last["gil_enabled"], expected)


class UsageErrors(unittest.TestCase):
    def test_bad_channel_arguments_exit_2(self):
        for args in (["--channel-in", "0"], ["--channel-in", "5", "--channel-out", "1"],
                     ["--channel-in", "5", "--channel-out", "5"],
                     ["--channel-in", "0", "--channel-out", "7", "--iterations", "3"],
                     ["--channel-in", "250", "--channel-out", "251"]):
            with self.subTest(args=args):
                done = run_harness(COUNTER + args)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertTrue(done.stderr.strip())


if __name__ == "__main__":
    unittest.main()
