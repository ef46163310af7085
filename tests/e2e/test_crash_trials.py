"""Crash trials (issue #12, item 5): SIGKILL the orchestrator at 20 moments of a small run,
resume after each, and check that nothing was lost, duplicated or left behind.

A trial is one SIGKILL. Trials are grouped in chains: a chain starts a fresh run, kills it,
resumes it with `orchestrate --resume`, may kill that resume too, and so on; its last session
runs to the end. Most moments are drawn uniformly over the measured duration of an
uninterrupted run (seeded: FTBENCH_CRASH_SEED=<seed> replays the same draws); the others are
fixed phases a random moment rarely hits, kept as regression cases: while the bytecode is
precompiled, and while the final reports (and the history) are written.

After every chain: exactly the plan's processes (runs/ and results.json, none duplicated,
none lost, every process file saved before a kill unchanged), results.json equal to
manifest.json plus runs/, every file an uninterrupted run writes (no more: no temporary file
anywhere, nothing left in TMPDIR), the run stored once in the history, no orchestrator or
interpreter process left, and exit status 0 from the last resume.

Structure and invariants only: durations are printed, never asserted."""

import ctypes
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from test_orchestrate import ORCHESTRATE, SOURCE, assert_exactly_the_plan, assert_no_survivors, load, run_dir_in

KILLS = int(os.environ.get("FTBENCH_CRASH_KILLS", "20"))

# The smallest run that still interleaves several interpreters x benchmarks x processes, with
# every report format, so that each phase (discovery, precompile, processes, reports, history)
# is long enough to be hit.
CONFIG = """name: crash
interpreters:
  - {name: baseline, version: before-free-threading, baseline: true}
  - {name: "{minor}", version: newest-free-threaded, free_threaded: false}
  - {name: "{minor}t", version: newest-free-threaded, free_threaded: true}
benchmarks: [scaling/parallel_compute, baseline/cpu]
threads: [1]
size: quick
repetitions: {processes: 2, warmups: 0, iterations: 1}
counters: none
timeout: 60s
output: {directory: results, formats: [json, csv, markdown, html, pyperf]}
seed: 12       # one plan order, so that every chain writes the reference run's file names
"""

# Names a crash may leave behind and nothing may keep: os::write_file_atomically's
# ".<name>.tmp.<pid>", importlib's "<name>.pyc.<id>", run_and_capture's files in TMPDIR.
TEMPORARY = re.compile(r"(^\..*\.tmp\.\d+$)|(\.pyc\.\d+$)|(^ftbench-capture-)")

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Whatever a killed orchestrator leaves running is re-parented to this test, not to init,
    so that it can be found by its parent pid whatever its environment."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def proc_status(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["PPid"]), fields["State"].split()[0]
    except (OSError, KeyError, ValueError):
        return None, None


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def orphans():
    """Live processes re-parented to this test (a subreaper); zombies among them are reaped."""
    me = os.getpid()
    live = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        ppid, state = proc_status(pid)
        if ppid != me:
            continue
        if state == "Z":
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        else:
            live.append((pid, cmdline(pid)))
    return live


def children_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def tree(root):
    """Every path under root, relative, with the run directory's name replaced by RUN."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), root).split(os.sep)
            if re.fullmatch(r"\d{8}-\d{6}-crash(-\d+)?", rel[0]):
                rel[0] = "RUN"
            out.add("/".join(rel))
    return out


def temporary_files(root, tmpdir):
    """Temporaries left under the output root, and anything at all in the chain's own TMPDIR."""
    left = [os.path.join(d, n) for d, _, names in os.walk(root) for n in names if TEMPORARY.search(n)]
    left += [os.path.join(d, n) for d, dirs, names in os.walk(tmpdir) for n in names + dirs]
    return sorted(left)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def newer(path, since_ns):
    try:
        return os.stat(path).st_mtime_ns >= since_ns
    except OSError:
        return False


class Session:
    """One orchestrate process, watched until a moment comes (then SIGKILLed) or it ends."""

    def __init__(self, argv, env, log_path):
        self.log_path = log_path
        self.started_ns = time.time_ns()
        self.started = time.monotonic()
        with open(log_path, "w") as log:
            self.proc = subprocess.Popen(argv, cwd=SOURCE, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.compiles_seen = set()

    def compiles(self):
        """The bytecode precompile children running now (python -m compileall)."""
        now = {c for c in children_of(self.proc.pid) if "compileall" in cmdline(c)}
        self.compiles_seen |= now
        return now

    def kill_when(self, moment, timeout=300):
        """SIGKILL when moment(self) is true; True when the kill landed (the process was running)."""
        deadline = self.started + timeout
        while self.proc.poll() is None:
            if moment(self):
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
                return self.proc.returncode == -signal.SIGKILL
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError("orchestrate ran past %d s: %s" % (timeout, self.output()))
            time.sleep(0.002)
        return False

    def elapsed(self):
        return time.monotonic() - self.started

    def output(self):
        with open(self.log_path) as f:
            return f.read()[-3000:]


class Moment:
    """When to kill: when `phase` is observed, or (random) at `fraction` of the session's
    expected duration, set as `at` (seconds) when the session starts."""

    def __init__(self, phase, fraction=None):
        self.phase, self.fraction, self.at = phase, fraction, None
        self.fixed = fraction is None

    def describe(self):
        return "random %.2f s" % self.at if self.at is not None else self.phase

    def reached(self, session, root):
        if self.at is not None:
            return session.elapsed() >= self.at
        runs = [d for d in glob.glob(os.path.join(root, "*")) if os.path.isdir(d)]
        run_dir = runs[0] if len(runs) == 1 else None
        if self.phase == "first precompile":  # the first compileall child is running
            return bool(session.compiles())
        if self.phase == "last precompile":  # the third interpreter's compileall is running
            session.compiles()
            return len(session.compiles_seen) >= 3 and bool(session.compiles())
        if self.phase == "pycache filling":  # a compileall child is writing .pyc files
            return run_dir is not None and bool(session.compiles()) and any(
                newer(p, session.started_ns) for p in glob.glob(os.path.join(run_dir, "pycache", "*", "**", "*.pyc"),
                                                                 recursive=True))
        if run_dir is None:
            return False
        if self.phase == "report start":  # the manifest says complete: results.json and reports next
            path = os.path.join(run_dir, "manifest.json")
            if not newer(path, session.started_ns):
                return False
            try:
                return load(path)["status"] == "complete"
            except (OSError, ValueError):
                return False
        if self.phase == "report analysis":  # analysis.json written, csv/markdown/html/pyperf next
            return newer(os.path.join(run_dir, "analysis.json"), session.started_ns)
        if self.phase == "report dashboard":  # dashboard.html written, pyperf/index/history next
            return newer(os.path.join(run_dir, "dashboard.html"), session.started_ns)
        raise ValueError(self.phase)


# Fixed moments first, each chain's later moments in the resumes it causes (None: a random
# one); random moments fill the remaining trials, three to a chain.
FIXED_CHAINS = [
    ["pycache filling", "first precompile"],
    ["report start", "report analysis", "report dashboard"],
    ["last precompile", None],
]


class CrashTrials(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        become_subreaper()
        cls.seed = int(os.environ.get("FTBENCH_CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
        print("\ncrash trials: seed %d (replay: FTBENCH_CRASH_SEED=%d)" % (cls.seed, cls.seed), file=sys.stderr, flush=True)
        cls.tmp = tempfile.mkdtemp(prefix="ftbench-crash-")
        cls.config = os.path.join(cls.tmp, "crash.yaml")
        with open(cls.config, "w") as f:
            f.write(CONFIG)
        cls.reference = None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def place(self, name):
        """A chain's own output root, TMPDIR and logs."""
        base = os.path.join(self.tmp, name)
        root, tmpdir = os.path.join(base, "out"), os.path.join(base, "tmp")
        os.makedirs(root)
        os.makedirs(tmpdir)
        return base, root, dict(os.environ, TMPDIR=tmpdir), tmpdir

    def assert_nothing_left_running(self, base, what):
        assert_no_survivors(self, base, what, also=orphans)

    def measure(self):
        """An uninterrupted run (once per class): its duration, what a resume with nothing
        left to run costs, the plan's size, and every file it writes."""
        if self.reference:
            return self.reference
        base, root, env, tmpdir = self.place("reference")
        session = Session([ORCHESTRATE, "--config", self.config, "--output", root], env, os.path.join(base, "log"))
        self.assertFalse(session.kill_when(lambda s: False))
        self.assertEqual(session.proc.returncode, 0, session.output())
        duration = session.elapsed()
        files = tree(root)
        self.assertEqual(temporary_files(root, tmpdir), [])
        self.assertIn("RUN/dashboard.html", files)
        self.assertIn("RUN/pyperf", files)
        self.assertTrue(any(f.startswith("RUN/pycache/") and f.endswith(".pyc") for f in files), files)
        # A resume of a finished run: what every resume costs before its first process
        # (discovery-free start, precompile) and after its last (reports, history).
        session = Session([ORCHESTRATE, "--resume", run_dir_in(root)], env, os.path.join(base, "resume-log"))
        self.assertFalse(session.kill_when(lambda s: False))
        self.assertEqual(session.proc.returncode, 0, session.output())
        planned = len(load(os.path.join(run_dir_in(root), "manifest.json"))["plan"])
        type(self).reference = (duration, session.elapsed(), planned, files, root)
        print("uninterrupted run: %.2f s, %d processes, %d files; a resume with nothing left to run: %.2f s" %
              (duration, planned, len(files), session.elapsed()), file=sys.stderr, flush=True)
        return self.reference

    def test_sigkill_at_twenty_moments_then_resume_loses_and_duplicates_nothing(self):
        rng = random.Random(self.seed)
        began = time.monotonic()
        duration, resume_overhead, planned, expected_files, _ = self.measure()

        def expected(saved):
            """How long a session should last: a fresh run (saved is None) the uninterrupted
            run's duration; a resume its overhead plus the share of processes left."""
            if saved is None:
                return duration
            return resume_overhead + max(duration - resume_overhead, 0) * (planned - saved) / planned

        trials = []  # (chain, phase, landed, seconds)
        chain = 0
        while sum(1 for t in trials if t[2]) < KILLS:
            chain += 1
            self.assertLess(chain, 40, "the kills never landed: %s" % trials)
            phases = FIXED_CHAINS[chain - 1] if chain <= len(FIXED_CHAINS) else [None] * 3
            moments = [Moment(p) if p else Moment("random", rng.random()) for p in phases]
            trials.extend(self.chain(chain, moments, expected, expected_files))
        total = time.monotonic() - began
        landed = [t for t in trials if t[2]]
        print("crash trials: %d kills landed in %d chains, %.1f s in all (seed %d)" % (len(landed), chain, total,
                                                                                       self.seed),
              file=sys.stderr, flush=True)
        for phase in ("first precompile", "last precompile", "pycache filling", "report start", "report analysis",
                      "report dashboard"):
            self.assertTrue(any(t[1] == phase for t in landed), phase)

    def test_sigkill_during_orchestrate_report_then_report_again(self):
        """`orchestrate report DIR` killed at random moments, then run again: the same files as
        the run wrote, no temporary left, results.json still the manifest plus runs/."""
        rng = random.Random(self.seed + 1)
        _, _, _, expected_files, reference_root = self.measure()
        base, root, env, tmpdir = self.place("report")
        shutil.rmtree(root)
        shutil.copytree(reference_root, root)
        run_dir = run_dir_in(root)
        argv = [ORCHESTRATE, "report", run_dir, "--quiet"]
        session = Session(argv, env, os.path.join(base, "report-reference.log"))
        self.assertFalse(session.kill_when(lambda s: False))
        self.assertEqual(session.proc.returncode, 0, session.output())
        report_duration = session.elapsed()
        landed = 0
        for index in range(5):
            at = rng.uniform(0, report_duration)
            session = Session(argv, env, os.path.join(base, "report-%d.log" % index))
            killed = session.kill_when(lambda s: s.elapsed() >= at)
            landed += killed
            print("  report %d: random %.2f s of %.2f -> %s" % (index, at, report_duration,
                                                                "killed" if killed else "missed"),
                  file=sys.stderr, flush=True)
            self.assert_nothing_left_running(base, "a kill of orchestrate report")
        session = Session(argv, env, os.path.join(base, "report-last.log"))
        self.assertFalse(session.kill_when(lambda s: False))
        self.assertEqual(session.proc.returncode, 0, session.output())
        self.assertGreater(landed, 0, "no kill landed")
        self.check_run("report", root, tmpdir, {}, expected_files)

    def chain(self, number, moments, expected, expected_files):
        began = time.monotonic()
        base, root, env, tmpdir = self.place("chain-%d" % number)
        argv = [ORCHESTRATE, "--config", self.config, "--output", root]
        kept = {}  # runs/ files saved before a kill: name -> digest
        trials = []
        final = None
        saved = None  # processes saved so far; None until the run directory exists
        for index, moment in enumerate(moments + [None]):
            if moment and not moment.fixed:
                moment.at = moment.fraction * expected(saved)
            session = Session(argv, env, os.path.join(base, "session-%d.log" % index))
            landed = session.kill_when((lambda s: moment.reached(s, root)) if moment else (lambda s: False))
            seconds = session.elapsed()
            if moment:
                trials.append((number, moment.phase, landed, seconds))
            if not landed:
                final = session
                if moment:
                    self.assertFalse(moment.fixed, "chain %s: %s was never observed: %s" %
                                     (number, moment.describe(), session.output()))
                    self.say(number, index, moment, "missed: the session ended first (%.2f s)" % seconds)
                break
            self.assert_nothing_left_running(base, "chain %s's kill at %s" % (number, moment.describe()))
            runs = [d for d in glob.glob(os.path.join(root, "*")) if os.path.isdir(d)]
            if not runs or not os.path.exists(os.path.join(runs[0], "manifest.json")):
                # Killed before the run directory had its manifest: nothing is recorded, and the
                # user starts again.
                self.say(number, index, moment, "killed at %.2f s before the run existed" % seconds)
                for d in runs:
                    self.assertEqual(glob.glob(os.path.join(d, "runs", "*.json")), [], "a run was saved: %s" % d)
                    shutil.rmtree(d)
                continue
            run_dir = runs[0]
            for path in glob.glob(os.path.join(run_dir, "runs", "*.json")):
                kept.setdefault(os.path.basename(path), digest(path))
            saved = len(kept)
            self.say(number, index, moment, "killed at %.2f s, %d processes saved" % (seconds, saved))
            argv = [ORCHESTRATE, "--resume", run_dir]
        self.assertEqual(final.proc.returncode, 0, "chain %s: the last session\n%s" % (number, final.output()))
        self.assert_nothing_left_running(base, "chain %s's end" % number)
        self.check_run(number, root, tmpdir, kept, expected_files)
        print("  chain %d: complete and checked, %.1f s" % (number, time.monotonic() - began), file=sys.stderr, flush=True)
        return trials

    def say(self, chain, index, moment, what):
        print("  chain %d session %d: %s -> %s" % (chain, index, moment.describe(), what), file=sys.stderr, flush=True)

    def check_run(self, number, root, tmpdir, kept, expected_files):
        run_dir = run_dir_in(root)
        self.assertEqual(temporary_files(root, tmpdir), [], "chain %s" % number)
        self.assertEqual(tree(root), expected_files, "chain %s: not the files of an uninterrupted run" % number)
        results = assert_exactly_the_plan(self, run_dir)
        manifest = load(os.path.join(run_dir, "manifest.json"))
        self.assertEqual(results["status"], "complete")
        self.assertEqual({k: v for k, v in results.items() if k != "runs"}, manifest,
                         "chain %s: results.json is not the manifest's fields" % number)
        files = {r["item_id"]: r for r in map(load, glob.glob(os.path.join(run_dir, "runs", "*.json")))}
        self.assertEqual({r["item_id"]: r for r in results["runs"]}, files,
                         "chain %s: results.json's runs are not runs/" % number)
        for r in results["runs"]:
            self.assertEqual(r["status"], "ok", r["failure"])
        for name, sha in kept.items():
            path = os.path.join(run_dir, "runs", name)
            self.assertTrue(os.path.exists(path), "chain %s: %s was lost" % (number, name))
            self.assertEqual(digest(path), sha, "chain %s: %s was run again" % (number, name))
        listed = subprocess.run([ORCHESTRATE, "history", "list", "--json", "--history", os.path.join(root, "history.sqlite")],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        nights = json.loads(listed.stdout)
        self.assertEqual([n["run_id"] for n in nights], [os.path.basename(run_dir)], "chain %s: history" % number)


if __name__ == "__main__":
    unittest.main()
