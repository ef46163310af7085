"""Standalone mode (readable summary and --json) and `list`."""

import json
import os
import re
import shutil
import tempfile
import textwrap
import unittest

from channel_driver import HARNESS, ORCHESTRATOR, pair_problems, validate_transcript
from support import FREE_THREADED_BUILD, QUICK, fixture, run_harness, suite_listing

COUNTER = [fixture("counter.py")] + QUICK


def as_transcript(document):
    """The conversation a standalone --json document stands for, for the validator."""
    entries = []

    def add(sender, message):
        entries.append({"from": sender, "message": message, "raw": json.dumps(message)})

    add(HARNESS, document["hello"])
    add(ORCHESTRATOR, {"type": "start"})
    for done in document["iterations"]:
        k = done["iteration"]
        add(HARNESS, {"type": "ready", "iteration": k})
        add(ORCHESTRATOR, {"type": "go", "iteration": k, "warmup": done["warmup"]})
        add(HARNESS, done)
        add(ORCHESTRATOR, {"type": "ack", "iteration": k})
    entries[-1] = {"from": ORCHESTRATOR, "message": {"type": "stop"}, "raw": ""}
    add(HARNESS, document["bye"] or document["error"])
    return entries


class Standalone(unittest.TestCase):
    def test_readable_summary(self):
        done = run_harness(COUNTER + ["--threads", "2", "--warmups", "2", "--iterations", "3"])
        self.assertEqual(done.returncode, 0, done.stderr)
        out = done.stdout
        self.assertIn("ftbench  {}  (suite workload, weak scaling, tags: fixture)".format(
            fixture("counter.py")), out)
        self.assertIn("threads 2, size quick = 2000, 4000 ops per iteration (op: increment)", out)
        self.assertIn("free-threaded build" if FREE_THREADED_BUILD else "GIL build", out)
        self.assertEqual(len(re.findall(r"^ +\d+ +warm-up ", out, re.M)), 2)
        self.assertEqual(len(re.findall(r"^ +\d+ +measured ", out, re.M)), 3)
        self.assertIn("measured iterations: 3", out)
        self.assertIn("ns/op", out)
        self.assertRegex(out, r"GIL +(enabled|disabled) throughout")

    def test_json_document(self):
        done = run_harness(COUNTER + ["--threads", "3", "--warmups", "1", "--iterations", "2", "--json"])
        self.assertEqual(done.returncode, 0, done.stderr)
        document = json.loads(done.stdout)
        self.assertEqual([d["warmup"] for d in document["iterations"]], [True, False, False])
        self.assertIsNone(document["error"])
        self.assertTrue(document["bye"]["checked"])
        self.assertEqual(validate_transcript(as_transcript(document), 0), [])

    def test_explicit_integer_size(self):
        done = run_harness([fixture("counter.py"), "--size", "123", "--iterations", "1", "--json"])
        self.assertEqual(done.returncode, 0, done.stderr)
        workload = json.loads(done.stdout)["hello"]["workload"]
        self.assertEqual((workload["size"], workload["size_preset"], workload["ops_per_iteration"]),
                         (123, None, 123))

    def test_unknown_size_preset_is_an_import_error(self):
        done = run_harness([fixture("counter.py"), "--size", "huge", "--json"])
        self.assertEqual(done.returncode, 1)
        document = json.loads(done.stdout)
        self.assertEqual(document["error"]["phase"], "import")
        self.assertIn("huge", document["error"]["message"])

    def test_error_goes_to_stderr(self):
        done = run_harness([fixture("raise_in_setup.py")])
        self.assertEqual(done.returncode, 1)
        self.assertIn("ftbench: setup failed: ValueError: fixture: setup fails on purpose", done.stderr)
        self.assertIn("Traceback", done.stderr)

    def test_usage_errors_exit_2(self):
        for args in ([], [fixture("counter.py"), "--threads", "0"],
                     [fixture("counter.py"), "--iterations", "0"], ["run-script"]):
            with self.subTest(args=args):
                self.assertEqual(run_harness(args).returncode, 2)


class Listing(unittest.TestCase):
    def test_list_json_shape(self):
        done, listing = suite_listing()
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(listing["protocol"], 1)
        self.assertTrue(os.path.isdir(listing["suite_dir"]))
        self.assertEqual(listing["errors"], [])
        ids = [w["id"] for w in listing["workloads"]]
        self.assertTrue(ids)
        self.assertEqual(ids, sorted(set(ids)))
        for entry in listing["workloads"]:
            with self.subTest(workload=entry["id"]):
                self.assertEqual(set(entry), {"id", "kind", "path", "scaling", "pair", "tags",
                                              "op_name", "sizes", "summary", "doc"})
                self.assertEqual(entry["kind"], "suite")
                self.assertIn(entry["scaling"], ("strong", "weak", "latency"))
                self.assertEqual(pair_problems(entry["pair"]), [])
                self.assertTrue(all(isinstance(t, str) for t in entry["tags"]))
                self.assertTrue({"default", "quick"} <= set(entry["sizes"]))
                self.assertTrue(os.path.isfile(entry["path"]))
                self.assertNotIn("\n", entry["summary"])
                self.assertTrue(entry["doc"].startswith(entry["summary"][:20]))

    def test_pairs_are_declared_on_both_sides(self):
        done, listing = suite_listing()
        by_id = {w["id"]: w for w in listing["workloads"]}
        pairs = [w for w in listing["workloads"] if w["pair"] is not None]
        self.assertTrue(pairs, "the suite declares no pair")
        for entry in pairs:
            with self.subTest(workload=entry["id"]):
                pair = entry["pair"]
                self.assertIn(pair["other"], by_id, "the other side of the pair is not listed")
                other = by_id[pair["other"]]["pair"]
                self.assertIsNotNone(other, "the other side declares no pair")
                self.assertEqual((other["id"], other["other"]), (pair["id"], entry["id"]))
                self.assertEqual({pair["role"], other["role"]}, {"subject", "reference"})
                self.assertEqual(other["expected"], pair["expected"])
                for expected in pair["expected"]:
                    self.assertEqual(set(expected), {"build", "threads", "python", "ratio"})
        self.assertEqual(by_id["baseline/thread_creation"]["scaling"], "latency")

    def test_list_readable(self):
        done, listing = suite_listing()
        readable = run_harness(["list"])
        self.assertEqual(readable.returncode, 0, readable.stderr)
        for entry in listing["workloads"]:
            self.assertIn(entry["id"], readable.stdout)


class CustomSuite(unittest.TestCase):
    """--suite-dir: helpers beside workloads, relative imports, broken workloads."""

    def setUp(self):
        self.suite = tempfile.mkdtemp(prefix="ftbench-suite-")
        self.addCleanup(shutil.rmtree, self.suite)
        self.write("_shared.py", "FACTOR = 3\n")
        self.write("group/_private/ignored.py", "raise RuntimeError('not a workload')\n")
        self.write("group/tripled.py", '''
            """Triples things.

            More detail here."""
            from ftbench.workload import STRONG, Workload
            from .._shared import FACTOR

            class Tripled(Workload):
                scaling = STRONG
                tags = ("custom",)
                sizes = {"default": 10, "quick": 2}
                op_name = "triple"

                def run_thread(self, index):
                    self.value = index * FACTOR

                def ops(self, threads, size):
                    return size * FACTOR

            WORKLOAD = Tripled
            ''')

    def write(self, relative, text):
        path = os.path.join(self.suite, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text).lstrip())

    def test_helpers_and_relative_imports(self):
        done = run_harness(["list", "--json", "--suite-dir", self.suite])
        self.assertEqual(done.returncode, 0, done.stderr)
        listing = json.loads(done.stdout)
        self.assertEqual([w["id"] for w in listing["workloads"]], ["group/tripled"])
        self.assertEqual(listing["workloads"][0]["summary"], "Triples things.")
        run = run_harness(["group/tripled", "--suite-dir", self.suite, "--size", "quick",
                           "--iterations", "1", "--json"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(json.loads(run.stdout)["iterations"][0]["ops"], 6)

    def test_broken_workload_is_listed_as_error(self):
        self.write("broken.py", "import ftbench_no_such_module\n")
        done = run_harness(["list", "--json", "--suite-dir", self.suite])
        self.assertEqual(done.returncode, 1)
        listing = json.loads(done.stdout)
        self.assertEqual([w["id"] for w in listing["workloads"]], ["group/tripled"])
        self.assertEqual([e["id"] for e in listing["errors"]], ["broken"])
        self.assertIn("ftbench_no_such_module", listing["errors"][0]["message"])

    def test_invalid_ids_are_rejected(self):
        for name in ("../outside", "group/_private/ignored", "/abs/path"):
            with self.subTest(name=name):
                done = run_harness([name, "--suite-dir", self.suite, "--json"])
                self.assertEqual(done.returncode, 1)
                self.assertEqual(json.loads(done.stdout)["error"]["phase"], "import")


if __name__ == "__main__":
    unittest.main()
