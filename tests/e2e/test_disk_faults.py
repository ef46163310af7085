"""Full and read-only output disks (issue #12, item 3), on a small tmpfs mounted for each test.

A run whose output file system fills stops with one line naming the path (exit 8), leaves no
half-written or temporary file, stores no process as failed because its own output could not be
written, and `--resume` completes exactly the plan once space is free. A read-only output is
refused before anything runs. Structure and invariants only: nothing here asserts a timing."""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test_orchestrate import ORCHESTRATE, SOURCE, benchmark_processes, load, orchestrate, run_dir_in

EXIT_STORAGE = 8

CHATTY = '''"""Prints a lot on stdout every iteration: the first writer to meet a full disk."""
from ftbench.workload import WEAK, Workload


class Chatty(Workload):
    scaling = WEAK
    tags = ("fixture",)
    sizes = {"default": 4000, "quick": 4000}
    op_name = "line printed"

    def run_thread(self, index):
        for i in range(self.size):
            print("chatty line", index, i, "." * 60, flush=True)

    def ops(self, threads, size):
        return threads * size


WORKLOAD = Chatty
'''


def run_args(output, *extra, pythons=("3.13",)):
    return ["--python", *pythons, "--threads", "1", "2", "--warmups", "0", "--iterations", "2", "--size", "quick",
            "--profile", "basic", "--output", output, *extra]


class DiskTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs needs root")
        self.tmp = tempfile.mkdtemp(prefix="ftbench-disk-")
        self.disk = os.path.join(self.tmp, "disk")
        os.mkdir(self.disk)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", self.disk], check=True)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
        subprocess.run(["umount", "-l", self.disk], check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fill(self, leave=0):
        """Fills the tmpfs, then frees `leave` bytes of it again."""
        path = os.path.join(self.disk, "filler")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for chunk in (1 << 20, 4096):
                block = b"\0" * chunk
                try:
                    while True:
                        os.write(fd, block)
                except OSError:
                    pass
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
        finally:
            os.close(fd)

    def free(self):
        os.remove(os.path.join(self.disk, "filler"))

    def start(self, *args):
        proc = subprocess.Popen([ORCHESTRATE, *args], cwd=SOURCE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        self.procs.append(proc)
        return proc

    def wait_for_run_files(self, root, count, proc):
        deadline = time.time() + 300
        while time.time() < deadline:
            if len(glob.glob(os.path.join(root, "*", "runs", "*.json"))) >= count:
                return
            if proc.poll() is not None:
                self.fail("orchestrate ended before %d processes: %s" % (count, proc.stderr.read()))
            time.sleep(0.02)
        self.fail("no progress")

    def assert_one_error_line(self, stderr, *fragments):
        errors = [l for l in stderr.splitlines() if "error" in l.lower()]
        self.assertEqual(len(errors), 1, stderr)
        self.assertTrue(errors[0].startswith("orchestrate: error: "), errors[0])
        for bad in ("Traceback", "LOG ERROR", "internal error", "terminate called"):
            self.assertNotIn(bad, stderr)
        for f in fragments:
            self.assertIn(f, errors[0])
        return errors[0]

    def assert_nothing_half_written(self, run_dir):
        """Every JSON file parses; no temporary or probe file is left."""
        for root, dirs, files in os.walk(run_dir):
            dirs[:] = [d for d in dirs if d != "pycache"]
            for name in files:
                path = os.path.join(root, name)
                self.assertFalse(name.startswith(".") and (".tmp." in name or name.startswith(".ftbench-probe")),
                                 "temporary left behind: " + path)
                if name.endswith(".json"):
                    with open(path) as f:
                        json.load(f)  # raises on a half-written file

    def assert_exactly_the_plan(self, run_dir):
        results = load(os.path.join(run_dir, "results.json"))
        self.assertEqual(results["status"], "complete")
        self.assertEqual(load(os.path.join(run_dir, "manifest.json"))["status"], "complete")
        planned = sorted(p["id"] for p in results["plan"])
        got = [r["item_id"] for r in results["runs"]]
        self.assertEqual(sorted(got), planned)
        self.assertEqual(len(got), len(set(got)))
        self.assertEqual(len(glob.glob(os.path.join(run_dir, "runs", "*.json"))), len(planned))
        for r in results["runs"]:
            self.assertEqual(r["status"], "ok", r["failure"])
        for name in ("analysis.json", "results.csv", "summary.md", "dashboard.html"):
            self.assertTrue(os.path.getsize(os.path.join(run_dir, name)) > 0, name)
        self.assert_nothing_half_written(run_dir)


class FullDisk(DiskTest):
    def test_the_disk_fills_mid_run_then_resume_completes_exactly_the_plan(self):
        out = os.path.join(self.disk, "results")
        proc = self.start(*run_args(out, "-b", "scaling/parallel_compute", "baseline/cpu", "--repetitions", "3",
                                    pythons=("3.13", "3.13t")))
        self.wait_for_run_files(out, 3, proc)
        self.fill()
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, EXIT_STORAGE, err)
        run_dir = run_dir_in(out)
        line = self.assert_one_error_line(err, "no space left on device writing " + run_dir,
                                          "free space and complete it with `orchestrate --resume %s`" % run_dir)
        self.assertIn(run_dir, line)
        self.assert_nothing_half_written(run_dir)
        plan = load(os.path.join(run_dir, "manifest.json"))["plan"]
        stored = glob.glob(os.path.join(run_dir, "runs", "*.json"))
        self.assertGreaterEqual(len(stored), 3)
        self.assertLess(len(stored), len(plan))
        self.assertTrue(all(load(f)["status"] == "ok" for f in stored))
        self.assertEqual(benchmark_processes(self.disk), [])

        # Still full (but for the pages the failed write gave back): --resume stops the same way,
        # storing nothing twice and nothing as failed.
        again = orchestrate("--resume", run_dir)
        self.assertEqual(again.returncode, EXIT_STORAGE, again.stderr)
        self.assert_one_error_line(again.stderr, "no space left on device writing " + run_dir)
        self.assert_nothing_half_written(run_dir)
        stored = [load(f) for f in glob.glob(os.path.join(run_dir, "runs", "*.json"))]
        self.assertEqual(len({r["item_id"] for r in stored}), len(stored))
        self.assertTrue(all(r["status"] == "ok" for r in stored))

        self.free()
        resumed = orchestrate("--resume", run_dir)
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        self.assert_exactly_the_plan(run_dir)

    def test_a_child_whose_output_meets_the_full_disk_is_run_again_not_stored_as_failed(self):
        workloads = os.path.join(self.tmp, "workloads")
        os.makedirs(os.path.join(workloads, "suite", "fixtures"))
        os.symlink(os.path.join(SOURCE, "workloads", "ftbench"), os.path.join(workloads, "ftbench"))
        with open(os.path.join(workloads, "suite", "fixtures", "chatty.py"), "w") as f:
            f.write(CHATTY)
        out = os.path.join(self.disk, "results")
        proc = self.start(*run_args(out, "--workloads-dir", workloads, "-b", "fixtures/chatty", "--repetitions", "6"))
        self.wait_for_run_files(out, 1, proc)
        self.fill()
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, EXIT_STORAGE, err)
        run_dir = run_dir_in(out)
        self.assert_one_error_line(err, "no space left on device writing " + run_dir)
        self.assert_nothing_half_written(run_dir)
        stored = [load(f) for f in glob.glob(os.path.join(run_dir, "runs", "*.json"))]
        self.assertTrue(stored)
        for r in stored:  # the process that met the full disk was not recorded as a failure
            self.assertEqual(r["status"], "ok", r["failure"])
        self.free()
        resumed = orchestrate("--resume", run_dir, "--workloads-dir", workloads)
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        self.assert_exactly_the_plan(run_dir)

    def test_a_full_disk_is_refused_before_anything_runs(self):
        out = os.path.join(self.disk, "results")
        self.fill()
        result = orchestrate(*run_args(out, "-b", "scaling/parallel_compute", "--repetitions", "1"))
        self.assertEqual(result.returncode, EXIT_STORAGE, result.stderr)
        self.assert_one_error_line(result.stderr, "no space left on device writing " + out, "nothing was run")
        self.assertEqual(os.listdir(out), [])

    def test_the_history_on_a_full_disk_is_one_line_and_stays_usable(self):
        runs = os.path.join(self.tmp, "runs")
        for _ in range(2):
            made = orchestrate(*run_args(runs, "-b", "scaling/parallel_compute", "--repetitions", "1", "--no-history"))
            self.assertEqual(made.returncode, 0, made.stderr)
            time.sleep(1.1)  # run ids are unique per second
        first, second = sorted(glob.glob(os.path.join(runs, "*-*")))[:2]
        history = os.path.join(self.disk, "history.sqlite")
        stored = orchestrate("history", "import", first, "--history", history)
        self.assertEqual(stored.returncode, 0, stored.stderr)
        self.fill()
        full = orchestrate("history", "import", second, "--history", history)
        self.assertEqual(full.returncode, 1, full.stderr)  # history import: that run was not stored
        lines = [l for l in full.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, full.stderr)
        self.assertIn(second, lines[0])
        self.assertIn("disk is full", lines[0])
        self.free()
        listed = orchestrate("history", "list", "--history", history, "--json")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn(os.path.basename(first), listed.stdout)
        again = orchestrate("history", "import", second, "--history", history)
        self.assertEqual(again.returncode, 0, again.stderr)


class ReadOnlyDisk(DiskTest):
    def remount_read_only(self):
        subprocess.run(["mount", "-o", "remount,ro", self.disk], check=True)

    def test_a_read_only_output_is_refused_before_anything_runs(self):
        self.remount_read_only()
        out = os.path.join(self.disk, "results")
        result = orchestrate(*run_args(out, "-b", "scaling/parallel_compute", "--repetitions", "1"))
        self.assertEqual(result.returncode, EXIT_STORAGE, result.stderr)
        self.assert_one_error_line(result.stderr, "read-only file system: cannot write " + out, "nothing was run")
        self.assertEqual(os.listdir(self.disk), [])
        self.assertEqual(result.stdout, "")

    def test_resume_and_report_of_a_run_on_a_read_only_mount(self):
        out = os.path.join(self.disk, "results")
        made = orchestrate(*run_args(out, "-b", "scaling/parallel_compute", "--repetitions", "1", "--no-history"))
        self.assertEqual(made.returncode, 0, made.stderr)
        run_dir = run_dir_in(out)
        os.remove(os.path.join(run_dir, "analysis.json"))
        self.remount_read_only()
        snapshot = {p: os.path.getsize(p) for p in glob.glob(os.path.join(run_dir, "**"), recursive=True)}
        resumed = orchestrate("--resume", run_dir)
        self.assertEqual(resumed.returncode, EXIT_STORAGE, resumed.stderr)
        self.assert_one_error_line(resumed.stderr, "read-only file system: cannot write " + run_dir, "nothing was run")
        report = orchestrate("report", run_dir)
        self.assertEqual(report.returncode, EXIT_STORAGE, report.stderr)
        self.assert_one_error_line(report.stderr, "read-only file system: cannot write " + run_dir,
                                   "no report was written")
        self.assertIn("parallel_compute", report.stdout)  # the summary it could still give
        self.assertEqual({p: os.path.getsize(p) for p in glob.glob(os.path.join(run_dir, "**"), recursive=True)},
                         snapshot)


if __name__ == "__main__":
    unittest.main()
