"""The reference driver's transcript validator: it accepts a conforming transcript and
catches each kind of violation (so the channel tests that rely on it can fail)."""

import copy
import json
import unittest

from channel_driver import HARNESS, ORCHESTRATOR, validate_transcript

HELLO = {
    "type": "hello", "protocol": 1, "pid": 4242, "os_threads": 1,
    "interpreter": {"implementation": "cpython", "version": "3.13.5",
                    "version_info": [3, 13, 5, "final", 0], "executable": "/x/python3.13t",
                    "free_threaded_build": True, "gil_enabled": False, "configure_args": "",
                    "compiler": "GCC", "cpu_count": 2, "platform": "Linux"},
    "workload": {"id": "w", "kind": "suite", "path": "/w.py", "scaling": "weak", "tags": [],
                 "op_name": "op", "threads": 2, "size": 10, "size_preset": "quick",
                 "ops_per_iteration": 20},
}


def done(k, warmup):
    return {"type": "done", "iteration": k, "warmup": warmup, "region_ns": 1000, "ops": 20,
            "gil_enabled": False, "threads": [{"index": 0, "wall_ns": 900, "cpu_ns": 800},
                                              {"index": 1, "wall_ns": 1000, "cpu_ns": 700}]}


def conforming():
    """hello, start, two iterations (one warm-up), stop in place of the last ack, bye."""
    messages = [(HARNESS, HELLO), (ORCHESTRATOR, {"type": "start"})]
    for k, warmup in enumerate((True, False)):
        messages += [(HARNESS, {"type": "ready", "iteration": k}),
                     (ORCHESTRATOR, {"type": "go", "iteration": k, "warmup": warmup}),
                     (HARNESS, done(k, warmup)),
                     (ORCHESTRATOR, {"type": "ack", "iteration": k})]
    messages[-1] = (ORCHESTRATOR, {"type": "stop"})
    messages.append((HARNESS, {"type": "bye", "gil_enabled": False, "checked": True}))
    return [{"from": s, "message": copy.deepcopy(m), "raw": json.dumps(m)} for s, m in messages]


def find(transcript, kind, nth=0):
    return [e["message"] for e in transcript if e["message"].get("type") == kind][nth]


class Validator(unittest.TestCase):
    def assert_problem(self, transcript, fragment, returncode=None):
        problems = validate_transcript(transcript, returncode)
        self.assertTrue(any(fragment in p for p in problems),
                        "expected a problem mentioning {!r}, got {}".format(fragment, problems))

    def test_conforming_transcript_passes(self):
        self.assertEqual(validate_transcript(conforming(), 0), [])

    def test_truncated_transcript_is_not_a_violation(self):
        self.assertEqual(validate_transcript(conforming()[:5]), [])

    def test_import_error_after_incomplete_hello_passes(self):
        hello = copy.deepcopy(HELLO)
        hello["workload"].update(scaling=None, tags=None, op_name=None, size=None,
                                 size_preset=None, ops_per_iteration=None)
        error = {"type": "error", "phase": "import", "message": "no module", "traceback": None}
        transcript = [{"from": HARNESS, "message": hello, "raw": ""},
                      {"from": HARNESS, "message": error, "raw": ""}]
        self.assertEqual(validate_transcript(transcript, 1), [])
        self.assert_problem(transcript, "exit status 0 after an error", returncode=0)

    def test_violations(self):
        cases = {
            "lacks 'region_ns'": lambda t: find(t, "done").pop("region_ns"),
            "ready carries iteration": lambda t: find(t, "ready", 1).update(iteration=5),
            "does not echo go's": lambda t: find(t, "done", 1).update(warmup=True),
            "thread entries for 2 threads": lambda t: find(t, "done").update(threads=[]),
            "exceeds region_ns": lambda t: find(t, "done")["threads"][0].update(wall_ns=5000),
            "has index": lambda t: find(t, "done")["threads"][1].update(index=0),
            "done.ops 7": lambda t: find(t, "done").update(ops=7),
            "bye.checked": lambda t: find(t, "bye").update(checked=False),
            "protocol version": lambda t: find(t, "hello").update(protocol=2),
            "a GIL build cannot": lambda t: find(t, "hello")["interpreter"].update(free_threaded_build=False),
            "region_ns must be a positive int": lambda t: find(t, "done").update(region_ns=0),
            "gil_enabled must be a boolean": lambda t: find(t, "done").update(gil_enabled="no"),
            "'ready' after bye": lambda t: t.append({"from": HARNESS, "raw": "",
                                                     "message": {"type": "ready", "iteration": 2}}),
            "not a JSON object": lambda t: t.insert(3, {"from": HARNESS, "message": None, "raw": "junk"}),
            "expected nothing": lambda t: t.insert(1, {"from": HARNESS, "raw": "",
                                                       "message": {"type": "ready", "iteration": 0}}),
            "must directly follow hello": lambda t: t.insert(3, {"from": HARNESS, "raw": "", "message": {
                "type": "error", "phase": "import", "message": "late", "traceback": None}}),
            "orchestrator sent 'go'": lambda t: t.insert(1, {"from": ORCHESTRATOR, "raw": "", "message": {
                "type": "go", "iteration": 0, "warmup": True}}),
        }
        for fragment, mutate in cases.items():
            with self.subTest(violation=fragment):
                transcript = conforming()
                mutate(transcript)
                self.assert_problem(transcript, fragment)

    def test_exit_status_after_bye(self):
        self.assert_problem(conforming(), "after bye", returncode=3)


if __name__ == "__main__":
    unittest.main()
