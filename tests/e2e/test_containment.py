"""End-to-end: every descendant of an interpreter process is accounted for and ended, and the
per-process limits (memory, log size, open files) hold, through `orchestrate script`.

Structure, invariants and known answers only: nothing here asserts a timing."""

import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
import unittest

from test_orchestrate import ORCHESTRATE, SOURCE, load, orchestrate, run_dir_in

# The script: fork, setsid, fork again; the grandchild writes its pid and sleeps on.
DAEMONISE = """
import os, sys, time
out = sys.argv[1]
ready_r, ready_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        path = os.path.join(out, "daemon-%d.pid" % os.getpid())
        with open(path + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename(path + ".tmp", path)
        os.write(ready_w, b"x")
        time.sleep(600)
        os._exit(0)
    os._exit(0)
os.waitpid(pid, 0)
os.read(ready_r, 1)  # the daemon is up and its pid file written
"""

# The same daemon, then the script stays in its iteration long enough to be SIGKILLed with us.
DAEMONISE_AND_WAIT = DAEMONISE + """
time.sleep(120)
"""

# 300 MB on stdout per run, with a known first and last line.
CHATTY = """
import sys
out = sys.stdout.buffer
out.write(b"HEAD first line\\n")
chunk = b"x" * 1023 + b"\\n"
for _ in range(300 * 1024):
    out.write(chunk)
out.write(b"TAIL last line\\n")
out.flush()
"""

# The first process to run this allocates far beyond any small limit; later ones do not.
HOG = """
import os, sys
marker = os.path.join(sys.argv[1], "hogged")
if not os.path.exists(marker):
    open(marker, "w").close()
    hog = b"x" * (1024 << 20)
"""

# Opens files until the kernel refuses.
FILES = """
files = [open("/dev/null") for _ in range(100000)]
"""


def alive(pid):
    """Running: it exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


class ContainmentTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftbench-e2e-containment-")
        self.out = os.path.join(self.tmp, "out")
        self.data = os.path.join(self.tmp, "data")
        os.makedirs(self.data)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def script(self, name, body):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(body))
        return path

    def config(self, limits):
        path = os.path.join(self.tmp, "config.yaml")
        with open(path, "w") as f:
            f.write("interpreters: [\"3.13\"]\nthreads: [1]\nlimits: %s\noutput: {directory: %s, formats: [json]}\n" % (limits, self.out))
        return path

    def run_script(self, script, *extra, processes=1, env=None):
        out = orchestrate("script", script, "--python", "3.13", "--threads", "1", "--repetitions", str(processes), "--warmups", "0",
                          "--iterations", "1", "--profile", "none", "--no-history", "--output", self.out, *extra,
                          "--", self.data, env=env)
        results = load(os.path.join(run_dir_in(self.out), "results.json"))
        return out, results


class Descendants(ContainmentTest):
    def check_daemon_is_ended(self, method):
        env = dict(os.environ)
        if method == "subreaper":
            env["FTBENCH_CONTAINMENT"] = "subreaper"
        out, results = self.run_script(self.script("daemonise.py", DAEMONISE), env=env)
        self.assertEqual(out.returncode, 0, out.stderr)
        pids = []
        for path in glob.glob(os.path.join(self.data, "*.pid")):
            with open(path) as f:
                pids.append(int(f.read()))
        pids.sort()
        self.assertTrue(pids, "the script wrote no pid file")
        # Ended with the run: none of the daemons is running now.
        self.assertEqual([p for p in pids if alive(p)], [])
        run = results["runs"][0]
        self.assertEqual(run["status"], "ok", run["failure"])  # a leftover is a warning, not a failure
        self.assertEqual(run["resources"]["containment"], method)
        self.assertEqual(sorted(p["pid"] for p in run["leftover_processes"]), pids)
        self.assertIn("running after it ended", out.stderr)
        # The method is said once, in the console and the run's log.
        self.assertEqual(out.stderr.count("containment: "), 1, out.stderr)
        with open(os.path.join(run_dir_in(self.out), "orchestrate.log")) as f:
            self.assertIn("containment: " + ("cgroup v2 per process" if method == "cgroup_v2" else "subreaper"), f.read())

    def test_a_daemonised_grandchild_is_killed_recorded_and_warned_about(self):
        with open("/proc/self/mountinfo") as f:
            has_cgroup2 = " - cgroup2 " in f.read()
        if not has_cgroup2 or os.geteuid() != 0:
            self.skipTest("cgroup v2 is not writable here (the subreaper test below still runs)")
        self.check_daemon_is_ended("cgroup_v2")

    def test_a_sigkilled_orchestrators_cgroup_is_emptied_by_the_next_run(self):
        with open("/proc/self/mountinfo") as f:
            has_cgroup2 = " - cgroup2 " in f.read()
        if not has_cgroup2 or os.geteuid() != 0:
            self.skipTest("cgroup v2 is not writable here: nothing is left to clean")
        script = self.script("daemonise_and_wait.py", DAEMONISE_AND_WAIT)
        first = subprocess.Popen([ORCHESTRATE, "script", script, "--python", "3.13", "--threads", "1", "--repetitions",
                                  "1", "--warmups", "0", "--iterations", "1", "--profile", "none", "--no-history",
                                  "--output", self.out, "--", self.data], cwd=SOURCE, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        daemon = None
        try:
            for _ in range(6000):
                found = glob.glob(os.path.join(self.data, "*.pid"))
                if found:
                    with open(found[0]) as f:
                        daemon = int(f.read())
                    break
                time.sleep(0.01)
            self.assertIsNotNone(daemon, "the script never started its daemon")
            doctor = orchestrate("doctor", "--json")
            stale = os.path.join(json.loads(doctor.stdout)["containment"]["cgroup_v2_dir"], "ftbench-%d" % first.pid)
            first.send_signal(signal.SIGKILL)
            first.wait()
            # PR_SET_PDEATHSIG ends the child; the daemon in its own session outlives us ...
            time.sleep(0.5)
            # (Any orchestrate on this machine cleans it: under `ctest -j` another test's may come
            # first. Then that one did the job; what matters is that it is done.)
            ours_to_clean = os.path.isdir(stale)
            if ours_to_clean:
                self.assertTrue(alive(daemon))
            # ... until the next run finds the dead orchestrator's cgroup and empties it.
            again = orchestrate("script", self.script("quiet.py", "pass\n"), "--python", "3.13", "--threads", "1",
                                "--repetitions", "1", "--warmups", "0", "--iterations", "1", "--profile", "none",
                                "--no-history", "--output", os.path.join(self.tmp, "again"), "--", self.data)
            self.assertEqual(again.returncode, 0, again.stderr)
            if ours_to_clean and "ftbench-%d" % first.pid not in again.stderr:
                self.assertFalse(os.path.isdir(stale), again.stderr)  # another orchestrate beat it to it
            elif ours_to_clean:
                self.assertIn("ftbench-%d left by an orchestrator that is gone" % first.pid, again.stderr)
            self.assertFalse(os.path.isdir(stale))
            self.assertFalse(alive(daemon))
        finally:
            if daemon and alive(daemon):
                os.kill(daemon, signal.SIGKILL)

    def test_the_subreaper_fallback_ends_it_too(self):
        self.check_daemon_is_ended("subreaper")

    def test_doctor_says_how_processes_are_contained(self):
        out = orchestrate("doctor", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        c = json.loads(out.stdout)["containment"]
        self.assertIn(c["method"], ("cgroup_v2", "subreaper"))
        self.assertTrue(c["reason"])
        self.assertIn(c["memory_control"], ("cgroup_v2", "cgroup_v1", "none"))
        if c["method"] == "subreaper":
            self.assertIn("Delegate=yes", c["advice"])
        elif c["memory_control"] == "none":
            self.assertIn("memory controller", c["advice"])
        text = orchestrate("doctor")
        self.assertIn("\nprocess containment\n  method", text.stdout)


class Limits(ContainmentTest):
    def test_a_chatty_script_keeps_head_and_tail_within_the_log_limit(self):
        out, results = self.run_script(self.script("chatty.py", CHATTY), "--config", self.config("{log: 1M}"))
        self.assertEqual(out.returncode, 0, out.stderr)
        run = results["runs"][0]
        self.assertEqual(run["status"], "ok", run["failure"])  # a cut log is not a failure
        log = os.path.join(run_dir_in(self.out), "logs", "%d.stdout" % run["sequence"])
        size = os.path.getsize(log)
        self.assertLessEqual(size, (1 << 20) + 200)
        with open(log, "rb") as f:
            text = f.read()
        self.assertTrue(text.startswith(b"HEAD first line\n"))
        self.assertTrue(text.endswith(b"TAIL last line\n"))
        written = len(b"HEAD first line\n") + 300 * 1024 * 1024 + len(b"TAIL last line\n")
        cut = [c for c in run["logs_cut"] if c["stream"] == "stdout"]
        self.assertEqual(len(cut), 1, run.get("logs_cut"))
        self.assertGreaterEqual(cut[0]["bytes"], written)
        self.assertEqual(cut[0]["dropped"], cut[0]["bytes"] - (1 << 20))
        self.assertIn(b"[ftbench: %d bytes dropped here: limits.log = 1M" % cut[0]["dropped"], text)
        self.assertEqual(results["config"]["limits"]["log_bytes"], 1 << 20)
        self.assertIn("bytes were dropped (limits.log = 1M)", out.stderr)

    def test_memory_beyond_the_limit_fails_naming_it_and_the_next_process_runs(self):
        out, results = self.run_script(self.script("hog.py", HOG), "--limit", "memory=128M", processes=2)
        self.assertEqual(out.returncode, 1, out.stderr)  # some processes failed, results written
        runs = sorted(results["runs"], key=lambda r: r["sequence"])
        self.assertEqual(len(runs), 2)
        first, second = runs
        self.assertEqual(first["status"], "failed")
        self.assertTrue(first["failure"].startswith("memory limit 128M reached (limits.memory)"), first["failure"])
        self.assertEqual(first["limit_hit"], "memory")
        self.assertEqual(second["status"], "ok", second["failure"])
        self.assertEqual(second["resources"]["memory_limit_bytes"], 128 << 20)
        self.assertGreater(second["resources"]["memory_peak_bytes"], 0)

    def test_too_many_open_files_names_the_limit(self):
        out, results = self.run_script(self.script("files.py", FILES), "--limit", "open_files=64")
        self.assertEqual(out.returncode, 1, out.stderr)
        run = results["runs"][0]
        self.assertEqual(run["status"], "failed")
        self.assertIn("Too many open files", run["failure"])
        self.assertTrue(run["failure"].endswith("(limits.open_files = 64)"), run["failure"])
        self.assertEqual(run["limit_hit"], "open_files")


if __name__ == "__main__":
    unittest.main()
