"""Recovery of a damaged run directory and the run-directory lock (issue #12, item 4).

manifest.json and results.json back each other up: a damaged one (truncated, garbage, empty,
deleted) is rebuilt from the other by `report` and `--resume`, announced in one warning line,
the damaged file kept aside; both damaged is one clear line and nothing is changed. Two
orchestrators never write one run directory: the second exits at once (exit 6) naming the
first. Structure and invariants only: nothing here asserts a timing."""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test_orchestrate import ORCHESTRATE, SOURCE, load, orchestrate, run_dir_in

EXIT_LOCK_HELD = 6


def small_run_args(output, repetitions):
    return ["--python", "3.13", "-b", "scaling/parallel_compute", "--threads", "1", "2", "--repetitions",
            str(repetitions), "--warmups", "0", "--iterations", "2", "--size", "quick", "--profile", "none",
            "--no-history", "--output", output]


class RecoveryTest(unittest.TestCase):
    """Each test works on its own copy of one finished run (made once: processes are slow)."""

    @classmethod
    def setUpClass(cls):
        cls.template_root = tempfile.mkdtemp(prefix="ftbench-recovery-")
        made = orchestrate(*small_run_args(os.path.join(cls.template_root, "out"), 2))
        assert made.returncode == 0, made.stderr
        cls.template = run_dir_in(os.path.join(cls.template_root, "out"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.template_root, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftbench-e2e-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def copy(self, name="run"):
        run_dir = os.path.join(self.tmp, name, os.path.basename(self.template))
        shutil.copytree(self.template, run_dir, symlinks=True)
        return run_dir

    def warnings(self, stderr):
        return [l for l in stderr.splitlines() if "warning" in l]

    def assert_exactly_the_plan(self, run_dir):
        results = load(os.path.join(run_dir, "results.json"))
        self.assertEqual(results["status"], "complete")
        got = [r["item_id"] for r in results["runs"]]
        self.assertEqual(sorted(got), sorted(p["id"] for p in results["plan"]))
        self.assertEqual(len(got), len(set(got)))
        for r in results["runs"]:
            self.assertEqual(r["status"], "ok", r["failure"])


DAMAGES = {
    "truncated": lambda text: text[: len(text) // 2],
    "garbage": lambda text: "\x00\x7fELF garbage {{{ not json",
    "empty": lambda text: "",
    "deleted": None,
}


def damage(path, how):
    with open(path) as f:
        text = f.read()
    if DAMAGES[how] is None:
        os.remove(path)
        return text, None
    with open(path, "w") as f:
        f.write(DAMAGES[how](text))
    with open(path) as f:
        return text, f.read()


def kept_aside(run_dir, name):
    return glob.glob(os.path.join(run_dir, name + ".damaged-*"))


class DamagedManifest(RecoveryTest):
    def check_rebuilt(self, run_dir, out, how, damaged):
        manifest = os.path.join(run_dir, "manifest.json")
        warned = [w for w in self.warnings(out.stderr) if "manifest.json" in w]
        self.assertEqual(len(warned), 1, out.stderr)
        self.assertIn("rebuilt from results.json", warned[0])
        self.assertEqual(load(manifest)["run_id"], os.path.basename(self.template))
        aside = kept_aside(run_dir, "manifest.json")
        if damaged is None:
            self.assertEqual(aside, [])
        else:
            self.assertEqual(len(aside), 1)
            with open(aside[0]) as f:
                self.assertEqual(f.read(), damaged)

    def test_report_rebuilds_it(self):
        for how in DAMAGES:
            with self.subTest(damage=how):
                run_dir = self.copy(how)
                _, damaged = damage(os.path.join(run_dir, "manifest.json"), how)
                out = orchestrate("report", run_dir, "--quiet")
                self.assertEqual(out.returncode, 0, out.stderr)
                self.check_rebuilt(run_dir, out, how, damaged)
                self.assertEqual(load(os.path.join(run_dir, "manifest.json"))["plan"],
                                 load(os.path.join(self.template, "manifest.json"))["plan"])
                again = orchestrate("report", run_dir, "--quiet")  # repaired for good: no warning
                self.assertEqual(self.warnings(again.stderr), [], again.stderr)

    def test_resume_rebuilds_it_and_runs_only_what_is_missing(self):
        for how in DAMAGES:
            with self.subTest(damage=how):
                run_dir = self.copy(how)
                os.remove(sorted(glob.glob(os.path.join(run_dir, "runs", "*.json")))[-1])
                _, damaged = damage(os.path.join(run_dir, "manifest.json"), how)
                out = orchestrate("--resume", run_dir)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.check_rebuilt(run_dir, out, how, damaged)
                self.assertIn("3 of 4 processes already finished", out.stderr)
                self.assert_exactly_the_plan(run_dir)

    def test_compare_reads_it_from_results_json_and_changes_nothing(self):
        run_dir = self.copy()
        _, damaged = damage(os.path.join(run_dir, "manifest.json"), "garbage")
        out = orchestrate("compare", self.template, run_dir)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(any("read from results.json" in w for w in self.warnings(out.stderr)), out.stderr)
        with open(os.path.join(run_dir, "manifest.json")) as f:
            self.assertEqual(f.read(), damaged)
        self.assertEqual(kept_aside(run_dir, "manifest.json"), [])


class DamagedResults(RecoveryTest):
    def test_report_and_resume_rebuild_it(self):
        for command in ("report", "--resume"):
            with self.subTest(command=command):
                run_dir = self.copy(command.strip("-"))
                _, damaged = damage(os.path.join(run_dir, "results.json"), "truncated")
                out = orchestrate(command, run_dir)
                self.assertEqual(out.returncode, 0, out.stderr)
                warned = [w for w in self.warnings(out.stderr) if "results.json" in w]
                self.assertEqual(len(warned), 1, out.stderr)
                self.assertIn("rebuilt from manifest.json and runs/", warned[0])
                self.assert_exactly_the_plan(run_dir)
                aside = kept_aside(run_dir, "results.json")
                self.assertEqual(len(aside), 1)
                with open(aside[0]) as f:
                    self.assertEqual(f.read(), damaged)


class BothDamaged(RecoveryTest):
    def test_one_line_what_is_left_and_nothing_changed(self):
        run_dir = self.copy()
        damage(os.path.join(run_dir, "manifest.json"), "garbage")
        damage(os.path.join(run_dir, "results.json"), "empty")

        def snapshot():
            files = {}
            for p in glob.glob(os.path.join(run_dir, "**"), recursive=True):
                if os.path.isfile(p) and "pycache" not in p:
                    with open(p, "rb") as f:
                        files[p] = f.read()
            return files

        before = snapshot()
        for args in (("report", run_dir), ("--resume", run_dir)):
            with self.subTest(command=args[0]):
                out = orchestrate(*args)
                self.assertEqual(out.returncode, 2, out.stderr)
                lines = out.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, out.stderr)
                self.assertTrue(lines[0].startswith("orchestrate: error: " + run_dir), lines[0])
                self.assertIn("manifest.json is not valid JSON", lines[0])
                self.assertIn("results.json is damaged too (empty)", lines[0])
                self.assertIn("the 4 process result(s) in runs/ are intact", lines[0])
                self.assertIn("run its config", lines[0])
        after = snapshot()
        # Nothing was changed or deleted (the lock file is the only file either may create).
        after.pop(os.path.join(run_dir, "orchestrate.lock"), None)
        before.pop(os.path.join(run_dir, "orchestrate.lock"), None)
        self.assertEqual(after, before)


class Lock(RecoveryTest):
    def test_a_second_orchestrate_on_a_running_directory_exits_at_once_naming_the_first(self):
        out = os.path.join(self.tmp, "out")
        first = subprocess.Popen([ORCHESTRATE, *small_run_args(out, 4)], cwd=SOURCE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 300
            while not glob.glob(os.path.join(out, "*", "runs", "*.json")):
                self.assertIsNone(first.poll(), "the first run ended early")
                self.assertLess(time.time(), deadline, "no progress")
                time.sleep(0.02)
            run_dir = run_dir_in(out)
            runs_before = len(glob.glob(os.path.join(run_dir, "runs", "*.json")))
            for args in (("--resume", run_dir), ("report", run_dir)):
                with self.subTest(command=args[0]):
                    second = orchestrate(*args)
                    self.assertIsNone(first.poll(), "the first run ended before the check: make it longer")
                    self.assertEqual(second.returncode, EXIT_LOCK_HELD, second.stderr)
                    lines = second.stderr.strip().splitlines()
                    self.assertEqual(len(lines), 1, second.stderr)
                    self.assertIn("run directory %s is in use by pid %d, orchestrate" % (run_dir, first.pid), lines[0])
                    self.assertIn("since ", lines[0])
            self.assertGreaterEqual(len(glob.glob(os.path.join(run_dir, "runs", "*.json"))), runs_before)
            _, err = first.communicate(timeout=600)
            self.assertEqual(first.returncode, 0, err)
        finally:
            if first.poll() is None:
                first.kill()
                first.communicate()
        self.assert_exactly_the_plan(run_dir)
        # The lock ends with its holder: a resume now is welcome (and has nothing left to run).
        again = orchestrate("--resume", run_dir)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assert_exactly_the_plan(run_dir)


if __name__ == "__main__":
    unittest.main()
