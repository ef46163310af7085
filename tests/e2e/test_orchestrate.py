"""End-to-end tests of `orchestrate` on this machine's real interpreters.

Structure, invariants and known answers only: nothing here asserts a timing."""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ORCHESTRATE = os.environ["FTBENCH_ORCHESTRATE"]
SOURCE = os.environ["FTBENCH_SOURCE_DIR"]
FIXTURES = os.path.join(SOURCE, "tests", "workloads", "fixtures")


def orchestrate(*args, timeout=600, **kwargs):
    return subprocess.run([ORCHESTRATE, *args], capture_output=True, text=True, timeout=timeout, cwd=SOURCE, **kwargs)


def run_dir_in(root):
    dirs = [d for d in glob.glob(os.path.join(root, "*")) if os.path.isdir(d)]
    assert len(dirs) == 1, dirs
    return dirs[0]


def load(path):
    with open(path) as f:
        return json.load(f)


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftbench-e2e-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class Interpreters(unittest.TestCase):
    def test_json_lists_a_matched_313_pair(self):
        out = orchestrate("interpreters", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        found = json.loads(out.stdout)["interpreters"]
        self.assertTrue(all(i["implementation"] == "cpython" for i in found))
        gil = [i for i in found if i["version"].startswith("3.13") and not i["free_threaded_build"]]
        ft = [i for i in found if i["version"].startswith("3.13") and i["free_threaded_build"]]
        self.assertTrue(gil, "no 3.13 GIL build found (run scripts/provision-python)")
        self.assertTrue(ft, "no free-threaded 3.13 found (run scripts/provision-python)")
        self.assertTrue(all(i["gil_enabled"] for i in gil))
        self.assertTrue(all(not i["gil_enabled"] for i in ft))
        self.assertTrue(any("--disable-gil" in i["configure_args"] for i in ft))
        self.assertEqual(len({i["executable"] for i in found}), len(found), "an interpreter is listed twice")

    def test_table_for_people(self):
        out = orchestrate("interpreters")
        self.assertEqual(out.returncode, 0)
        self.assertIn("free-threaded", out.stdout)
        self.assertTrue(out.stdout.startswith("VERSION"))


SYSTEM_CHECKS = ["governor", "turbo", "SMT", "isolated CPUs", "ASLR", "irqbalance", "NUMA", "frequency range",
                 "load average", "steal time", "busy processes", "perf sampling", "NMI watchdog"]


def fake_system(root, governors=("powersave", "schedutil")):
    """A fake /sys and /proc tree (FTBENCH_SYSTEM_ROOT, test-only) with cpufreq and intel_pstate."""
    def put(relative, text):
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text + "\n")
    put("sys/devices/system/cpu/online", "0-%d" % (len(governors) - 1))
    for cpu, governor in enumerate(governors):
        put("sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor" % cpu, governor)
        put("sys/devices/system/cpu/cpu%d/cpufreq/scaling_available_governors" % cpu, "performance powersave schedutil")
    put("sys/devices/system/cpu/intel_pstate/no_turbo", "0")
    put("proc/sys/kernel/randomize_va_space", "2")
    put("proc/sys/kernel/random/boot_id", "0b00c1d0-0000-0000-0000-000000000000")
    put("proc/stat", "cpu  0 0 0 100 0 0 0 0 0 0")
    def read(relative):
        with open(os.path.join(root, relative)) as f:
            return f.read().strip()
    return read


class Doctor(TempDirTest):
    def test_reports_every_default_event_with_a_status(self):
        out = orchestrate("doctor", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        report = json.loads(out.stdout)
        events = {e["name"]: e for p in report["profiles"] for e in p["events"]}
        for name in ("task-clock", "context-switches", "cpu-migrations", "page-faults"):
            self.assertEqual(events[name]["status"], "counted", events[name])
        for name in ("cycles", "instructions", "cache-misses", "hitm"):
            self.assertIn(events[name]["status"], ("counted", "not_supported", "not_permitted", "unknown_event"))
            if events[name]["status"] != "counted":
                self.assertTrue(events[name]["message"], events[name])
        # The system check beside the perf capabilities: every item judged, every warning with its fix.
        checks = report["system"]["checks"]
        self.assertEqual([c["name"] for c in checks], SYSTEM_CHECKS)
        for c in checks:
            self.assertIn(c["status"], ("ok", "warning", "not_applicable"), c)
            self.assertTrue(c["found"], c)
            if c["status"] == "warning":
                self.assertTrue(c["fix"], c)
        if not os.path.exists("/sys/devices/system/cpu/cpu0/cpufreq"):
            self.assertEqual(checks[0]["status"], "not_applicable", checks[0])
        self.assertTrue(report["system"]["facts"]["cpus"])

    def test_table_for_people(self):
        out = orchestrate("doctor")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("context-switches", out.stdout)
        self.assertIn("system check (CPUs ", out.stdout)
        for name in SYSTEM_CHECKS:
            self.assertIn("\n  " + name, out.stdout)

    def test_tune_twice_then_reset_restores_a_fake_tree_exactly(self):
        read = fake_system(self.tmp)
        env = dict(os.environ, FTBENCH_SYSTEM_ROOT=self.tmp)
        tuned = orchestrate("doctor", "--tune", "--cpus", "0-1", env=env)
        self.assertEqual(tuned.returncode, 0, tuned.stdout + tuned.stderr)
        self.assertIn("cpu0 governor: powersave -> performance", tuned.stdout)
        self.assertIn("cpu1 governor: schedutil -> performance", tuned.stdout)
        self.assertIn("turbo (intel_pstate no_turbo): 0 -> 1", tuned.stdout)
        self.assertIn("ASLR: already 2", tuned.stdout)
        self.assertEqual(read("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor"), "performance")
        again = orchestrate("doctor", "--tune", "--cpus", "0-1", env=env)
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        self.assertIn("cpu1 governor: already performance (tuned earlier; --reset restores schedutil)", again.stdout)
        reset = orchestrate("doctor", "--reset", "--cpus", "0-1", "--json", env=env)
        self.assertEqual(reset.returncode, 0, reset.stdout + reset.stderr)
        outcomes = {s["name"]: s["outcome"] for s in json.loads(reset.stdout)["settings"]}
        self.assertEqual(outcomes, {"cpu0 governor": "restored", "cpu1 governor": "restored",
                                    "turbo (intel_pstate no_turbo)": "restored"})
        self.assertEqual(read("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"), "powersave")
        self.assertEqual(read("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor"), "schedutil")
        self.assertEqual(read("sys/devices/system/cpu/intel_pstate/no_turbo"), "0")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "var/lib/ftbench/tune.json")))

    def test_a_read_only_setting_is_named_and_the_rest_still_reset(self):
        read = fake_system(self.tmp)
        os.chmod(os.path.join(self.tmp, "sys/devices/system/cpu/intel_pstate/no_turbo"), 0o444)
        env = dict(os.environ, FTBENCH_SYSTEM_ROOT=self.tmp)
        tuned = orchestrate("doctor", "--tune", "--cpus", "0-1", env=env)
        self.assertEqual(tuned.returncode, 1, tuned.stdout + tuned.stderr)
        self.assertIn("turbo (intel_pstate no_turbo): cannot be changed: /sys/devices/system/cpu/intel_pstate/no_turbo "
                      "is read-only (left at 0)", tuned.stdout)
        self.assertEqual(read("sys/devices/system/cpu/intel_pstate/no_turbo"), "0")
        reset = orchestrate("doctor", "--reset", "--cpus", "0-1", env=env)
        self.assertEqual(reset.returncode, 0, reset.stdout + reset.stderr)
        self.assertEqual(read("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"), "powersave")

    def test_tune_without_root_refuses_in_one_line(self):
        kwargs = {}
        if os.geteuid() == 0:
            kwargs["preexec_fn"] = lambda: os.setuid(65534)  # nobody
        try:
            out = orchestrate("doctor", "--tune", "--state", os.path.join(self.tmp, "tune.json"), **kwargs)
        except PermissionError:
            self.skipTest("the build tree is not readable by nobody")
        if out.returncode == 126 or "Permission denied" in out.stderr:
            self.skipTest("the build tree is not readable by nobody")
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        lines = out.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, out.stderr)
        self.assertIn("needs root: run `sudo orchestrate doctor --tune` (nothing was changed)", lines[0])

    def test_tune_on_this_machine_says_what_is_not_exposed(self):
        if os.geteuid() != 0:
            self.skipTest("needs root (the refusal is tested above)")
        if os.path.exists("/sys/devices/system/cpu/cpu0/cpufreq") and not os.environ.get("FTBENCH_TEST_TUNE"):
            # A test run must not retune a real benchmark box under the other tests.
            self.skipTest("this machine exposes cpufreq: set FTBENCH_TEST_TUNE=1 to tune and reset it here")
        state = os.path.join(self.tmp, "tune.json")
        try:
            out = orchestrate("doctor", "--tune", "--state", state)
            self.assertIn(out.returncode, (0, 1), out.stdout + out.stderr)
            if not os.path.exists("/sys/devices/system/cpu/cpu0/cpufreq"):
                # A VM without cpufreq (this project's machines): every governor is named, none changed.
                self.assertIn("cpu0 governor: not exposed (no cpufreq for CPU 0", out.stdout)
                self.assertNotIn("-> performance", out.stdout)
        finally:
            reset = orchestrate("doctor", "--reset", "--state", state)
        self.assertEqual(reset.returncode, 0, reset.stdout + reset.stderr)
        self.assertFalse(os.path.exists(state))


class BadInput(TempDirTest):
    def assert_one_line_error(self, result, *fragments):
        self.assertEqual(result.returncode, 2, result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("orchestrate: error: "), lines[0])
        self.assertNotIn("Traceback", result.stderr)
        for f in fragments:
            self.assertIn(f, lines[0])

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_missing_config(self):
        self.assert_one_line_error(orchestrate("--config", "/nonexistent/x.yaml"), "/nonexistent/x.yaml", "not found")

    def test_malformed_yaml(self):
        path = self.write("bad.yaml", "interpreters: [3.13t\nthreads: [1]\n")
        self.assert_one_line_error(orchestrate("--config", path), path + ":", "invalid YAML")

    def test_unknown_key(self):
        path = self.write("bad.yaml", "interpreters: [3.13t]\nrepetitions:\n  procesess: 3\n")
        self.assert_one_line_error(orchestrate("--config", path), path + ":3:3:", "unknown key 'procesess'",
                                   "did you mean 'processes'")

    def test_interpreter_path_missing(self):
        path = self.write("bad.yaml", "interpreters:\n  - path: /nonexistent/python3\n")
        self.assert_one_line_error(orchestrate("--config", path, "--dry-run"), path + ":2:5:", "does not exist")

    def test_interpreter_not_cpython(self):
        fake = self.write("python3", "#!/bin/sh\necho not python\n")
        os.chmod(fake, 0o755)
        path = self.write("bad.yaml", "interpreters:\n  - path: %s\n" % fake)
        self.assert_one_line_error(orchestrate("--config", path, "--dry-run"), path + ":2:5:", "not a CPython")

    def test_no_matching_interpreter(self):
        path = self.write("bad.yaml", "interpreters:\n  - {version: \"2.1\"}\n")
        self.assert_one_line_error(orchestrate("--config", path, "--dry-run"), path + ":2:5:", "no interpreter found")

    def test_bad_flags(self):
        self.assert_one_line_error(orchestrate("--config", "configs/smoke.yaml", "--profile", "all"), "--profile")
        self.assert_one_line_error(orchestrate("--config", "configs/smoke.yaml", "--threads", "0"), "--threads")
        self.assert_one_line_error(orchestrate("--config", "configs/smoke.yaml", "-b", "nosuch/*", "--dry-run"),
                                   "matches no workload")
        self.assert_one_line_error(orchestrate("--no-such-flag"))

    def test_kernel_requirement(self):
        path = self.write("k.yaml", "requires: {kernel: \"99.0\"}\ninterpreters: [3.13t]\n")
        self.assert_one_line_error(orchestrate("--config", path, "--dry-run"), "requires Linux >= 99.0")


def check_iterations(test, run, warmups, iterations, threads, counted_events):
    its = run["iterations"]
    test.assertEqual(len(its), warmups + iterations)
    test.assertEqual([i["warmup"] for i in its], [True] * warmups + [False] * iterations)
    for it in its:
        test.assertGreater(it["region_ns"], 0)
        test.assertEqual(len(it["threads"]), threads)
        test.assertEqual(it["ops"], run["workload"]["ops_per_iteration"])
        by_name = {c["name"]: c for c in it["counters"]}
        for name in counted_events:
            test.assertEqual(by_name[name]["status"], "counted", by_name[name])
            test.assertGreater(by_name[name]["running_fraction"], 0)
        # Thread wall times fit inside the region (measured in the same child).
        for t in it["threads"]:
            test.assertLessEqual(t["wall_ns"], it["region_ns"] * 1.01 + 1e6)


class Smoke(TempDirTest):
    def test_smoke_config_writes_three_interpreters(self):
        out = orchestrate("--config", "configs/smoke.yaml", "--output", self.tmp)
        self.assertEqual(out.returncode, 0, out.stderr)
        results = load(os.path.join(run_dir_in(self.tmp), "results.json"))
        self.assertEqual(results["schema"], "ftbench-results")
        self.assertEqual(results["schema_version"], 1)
        self.assertEqual(results["status"], "complete")
        interps = {i["label"]: i for i in results["interpreters"]}
        self.assertEqual(set(interps), {"baseline", "3.13", "3.13t"})
        self.assertTrue(interps["baseline"]["baseline"])
        base = interps["baseline"]["facts"]
        self.assertFalse(base["free_threaded_build"])
        self.assertLess(tuple(int(x) for x in base["version"].split(".")[:2]), (3, 13))
        self.assertTrue(interps["3.13"]["facts"]["version"].startswith("3.13"))
        self.assertFalse(interps["3.13"]["facts"]["free_threaded_build"])
        self.assertTrue(interps["3.13t"]["facts"]["free_threaded_build"])
        self.assertFalse(interps["3.13t"]["facts"]["gil_enabled"])

        runs = results["runs"]
        self.assertEqual(len(runs), len(results["plan"]))
        self.assertEqual({(r["interpreter"], r["threads"]) for r in runs},
                         {(l, t) for l in interps for t in (1, 2)})
        for r in runs:
            self.assertEqual(r["status"], "ok", r["failure"])
            self.assertTrue(r["checked"], "the workload's self-check did not run")
            child = r["child"]
            ft = r["interpreter"] == "3.13t"
            self.assertEqual(child["free_threaded_build"], ft)
            self.assertEqual(child["gil_enabled"], not ft)
            self.assertTrue(all(i["gil_enabled"] == (not ft) for i in r["iterations"]))
            self.assertEqual(child["executable"], interps[r["interpreter"]]["facts"]["executable"])
            check_iterations(self, r, 1, 3, r["threads"],
                             ["task-clock", "context-switches", "page-faults", "syscalls:sys_enter_futex"])
            caps = {c["name"]: c["status"] for c in r["counter_capabilities"]}
            self.assertEqual(caps["task-clock"], "counted")
        self.assertIn("machine", results)
        self.assertTrue(results["machine"]["kernel_release"])
        self.assertIn("seed", results["config"])

    def test_dry_run_prints_plan_and_writes_nothing(self):
        out = orchestrate("--config", "configs/smoke.yaml", "--output", self.tmp, "--dry-run")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("Plan: 6 processes", out.stdout)
        self.assertIn("Estimated duration", out.stdout)
        self.assertEqual(os.listdir(self.tmp), [])


def fixture_workloads_dir(tmp):
    """A workloads/ folder whose suite is the misbehaving fixtures (plus the real harness)."""
    root = os.path.join(tmp, "workloads")
    os.makedirs(os.path.join(root, "suite", "fixtures"))
    os.symlink(os.path.join(SOURCE, "workloads", "ftbench"), os.path.join(root, "ftbench"))
    expected = load(os.path.join(FIXTURES, "EXPECTED.json"))["workloads"]
    for name in expected:
        shutil.copy(os.path.join(FIXTURES, name), os.path.join(root, "suite", "fixtures", name))
    return root, expected


class FailuresAreRecorded(TempDirTest):
    def test_each_failure_kind_is_recorded_and_the_suite_goes_on(self):
        workloads, expected = fixture_workloads_dir(self.tmp)
        # --timeout bounds each whole process (start, import, setup, iterations): only the
        # hang should reach it, and a free-threaded start alone can take seconds on a loaded
        # machine, so it must not be short; the hang costs this once.
        out = orchestrate("--python", "3.13t", "--workloads-dir", workloads, "-b", "fixtures/*", "--threads", "2",
                          "--repetitions", "1", "--warmups", "1", "--iterations", "2", "--size", "quick",
                          "--timeout", "60", "--profile", "basic", "--output", os.path.join(self.tmp, "out"))
        self.assertEqual(out.returncode, 1, out.stderr)  # some runs failed, results written
        results = load(os.path.join(run_dir_in(os.path.join(self.tmp, "out")), "results.json"))
        runs = {r["benchmark"].split("/")[-1] + ".py": r for r in results["runs"]}
        self.assertEqual(set(runs), set(expected))
        for name, exp in expected.items():
            run = runs[name]
            with self.subTest(fixture=name):
                if exp["outcome"] == "ok":
                    self.assertEqual(run["status"], "ok", run["failure"])
                    continue
                self.assertEqual(run["status"], "failed")
                self.assertTrue(run["failure"])
                if exp["outcome"] == "error":
                    self.assertEqual(run["error_phase"], exp["phase"], run["failure"])
                    self.assertIn("reported an error", run["failure"])
                elif exp["outcome"] == "crash":
                    self.assertIn("exited early", run["failure"])
                    self.assertIn("exit code %d" % exp["exit_status"], run["failure"])
                elif exp["outcome"] == "timeout":
                    self.assertIn("timed out", run["failure"])
                elif exp["outcome"] == "invalid":
                    self.assertTrue("garbage" in run["failure"] or "protocol violation" in run["failure"],
                                    run["failure"])
        # The noisy workload's stdout went to its log, not into the channel.
        noisy = runs["noisy_stdout.py"]
        log = os.path.join(run_dir_in(os.path.join(self.tmp, "out")), "logs", "%d.stdout" % noisy["sequence"])
        self.assertGreater(os.path.getsize(log), 0)
        # The hang fixture's grandchild was killed with its process group.
        hang_log = os.path.join(run_dir_in(os.path.join(self.tmp, "out")), "logs",
                                "%d.stdout" % runs["hang.py"]["sequence"])
        with open(hang_log) as f:
            pids = [int(line.split()[-1]) for line in f if line.startswith("grandchild pid")]
        self.assertTrue(pids)
        for pid in pids:
            self.assertFalse(os.path.exists("/proc/%d" % pid) and "Z" not in open("/proc/%d/stat" % pid).read().split()[2])


def benchmark_processes(tmp):
    """Live interpreter processes started by a run under `tmp` (their environment names its
    bytecode cache), so tests running beside this one do not count."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                env = f.read()
            with open("/proc/%s/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if tmp.encode() in env and state != "Z":
            pids.append(int(pid))
    return pids


def start_long_run(tmp, extra=()):
    """A run with many short processes, in the background."""
    return subprocess.Popen([ORCHESTRATE, "--python", "3.13", "3.13t", "-b", "scaling/parallel_compute",
                             "baseline/cpu", "--threads", "1", "2", "--repetitions", "4", "--size", "quick",
                             "--warmups", "0", "--iterations", "2", "--profile", "basic", "--output", tmp, *extra],
                            cwd=SOURCE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_runs(root, count, proc, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = glob.glob(os.path.join(root, "*", "runs", "*.json"))
        if len(files) >= count:
            return
        if proc.poll() is not None:
            raise AssertionError("orchestrate ended early: " + proc.stderr.read())
        time.sleep(0.05)
    raise AssertionError("no progress")


class Signals(TempDirTest):
    def test_sigint_keeps_finished_results(self):
        self.check_stop_signal(signal.SIGINT)

    def test_sigterm_keeps_finished_results(self):
        self.check_stop_signal(signal.SIGTERM)

    def check_stop_signal(self, signum):
        proc = start_long_run(self.tmp)
        wait_for_runs(self.tmp, 3, proc)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("--resume", err)
        run_dir = run_dir_in(self.tmp)
        results = load(os.path.join(run_dir, "results.json"))
        self.assertEqual(results["status"], "interrupted")
        self.assertEqual(load(os.path.join(run_dir, "manifest.json"))["status"], "interrupted")
        self.assertGreaterEqual(len(results["runs"]), 3)
        self.assertLess(len(results["runs"]), len(results["plan"]))
        self.assertTrue(all(r["status"] == "ok" for r in results["runs"]))
        # No benchmark process survives the orchestrator.
        self.assertEqual(benchmark_processes(self.tmp), [])


def assert_no_survivors(test, tmp, what="its SIGKILLed orchestrator", also=lambda: [], timeout=30):
    """No benchmark process started under `tmp` (nor any that `also` lists) outlives `what`: the
    process in flight dies with its orchestrator (PR_SET_PDEATHSIG); the deadline only bounds a
    process that never dies (the kernel's kill can lag on a loaded box)."""
    deadline = time.monotonic() + timeout
    while benchmark_processes(tmp) or also():
        if time.monotonic() > deadline:
            test.fail("outlived %s: %s" % (what, benchmark_processes(tmp) + also()))
        time.sleep(0.05)


def assert_exactly_the_plan(test, run_dir):
    """Every item of the manifest's plan finished exactly once, none duplicated and none lost,
    in runs/ and in results.json alike; returns results.json."""
    manifest = load(os.path.join(run_dir, "manifest.json"))
    results = load(os.path.join(run_dir, "results.json"))
    planned = sorted(p["id"] for p in manifest["plan"])
    test.assertEqual(len(planned), len(set(planned)), "the plan names an item twice")
    files = [load(p) for p in sorted(glob.glob(os.path.join(run_dir, "runs", "*.json")))]
    test.assertEqual(sorted(r["item_id"] for r in files), planned, "runs/ is not exactly the plan")
    test.assertEqual(sorted(r["item_id"] for r in results["runs"]), planned, "results.json is not exactly the plan")
    return results


class Resume(TempDirTest):
    def test_sigkill_then_resume_gives_exactly_the_plan(self):
        proc = start_long_run(self.tmp)
        wait_for_runs(self.tmp, 4, proc)
        proc.kill()
        proc.communicate(timeout=60)
        run_dir = run_dir_in(self.tmp)
        assert_no_survivors(self, self.tmp)
        before = {os.path.basename(p) for p in glob.glob(os.path.join(run_dir, "runs", "*.json"))}
        out = orchestrate("--resume", run_dir)
        self.assertEqual(out.returncode, 0, out.stderr)
        results = assert_exactly_the_plan(self, run_dir)
        self.assertEqual(results["status"], "complete")
        after = {os.path.basename(p) for p in glob.glob(os.path.join(run_dir, "runs", "*.json"))}
        self.assertTrue(before <= after)
        for r in results["runs"]:
            self.assertEqual(r["status"], "ok", r["failure"])

    def test_resume_rejects_a_non_run_directory(self):
        out = orchestrate("--resume", self.tmp)
        self.assertEqual(out.returncode, 2)
        self.assertIn("not an ftbench run directory", out.stderr)


class Script(TempDirTest):
    def test_user_script_runs_under_the_harness(self):
        script = os.path.join(FIXTURES, "script_argv.py")
        out = orchestrate("script", script, "--python", "3.13t", "3.13", "--threads", "2", "--repetitions", "2",
                          "--warmups", "1", "--iterations", "2", "--profile", "basic", "--output", self.tmp,
                          "--", "--expect-threads", "2", "hello", "world")
        results = load(os.path.join(run_dir_in(self.tmp), "results.json"))
        self.assertEqual(out.returncode, 0, out.stderr + json.dumps([r["failure"] for r in results["runs"]]))
        self.assertEqual(results["benchmarks"][0]["kind"], "script")
        self.assertEqual(results["benchmarks"][0]["script_args"], ["--expect-threads", "2", "hello", "world"])
        self.assertEqual(len(results["runs"]), 4)
        for r in results["runs"]:
            self.assertEqual(r["workload"]["kind"], "script")
            check_iterations(self, r, 1, 2, r["threads"], ["context-switches"])

    def test_missing_script(self):
        out = orchestrate("script", "/nonexistent.py")
        self.assertEqual(out.returncode, 2)
        self.assertIn("does not exist", out.stderr)


DIAGNOSE_WORKLOADS = os.path.join(SOURCE, "tests", "e2e", "workloads", "diagnose")


class Diagnose(TempDirTest):
    """`orchestrate diagnose` on the known answers (tests/e2e/workloads/diagnose): the watchpoint
    tier names the line, the objects and the threads; the scaling tier gives a verdict; tier 2
    says it cannot run without a PMU. Counts and verdicts are asserted, never timings. Runs
    alone (RUN_SERIAL): "contended" needs the two workers to run at the same time."""

    def setUp(self):
        super().setUp()
        self.workloads = os.path.join(self.tmp, "workloads")
        # Scripts are run by path, not listed as workloads.
        shutil.copytree(DIAGNOSE_WORKLOADS, os.path.join(self.workloads, "suite", "diagnose"),
                        ignore=shutil.ignore_patterns("*_script.py"))
        os.symlink(os.path.join(SOURCE, "workloads", "ftbench"), os.path.join(self.workloads, "ftbench"))
        self.out = os.path.join(self.tmp, "results")

    def diagnose(self, target, python, *extra, expect=0):
        out = orchestrate("diagnose", target, "--python", *python, "--threads", "1", "2", "--repetitions", "2",
                          "--warmups", "0", "--iterations", "2", "--size", "quick", "--trap-budget", "4",
                          "--workloads-dir", self.workloads, "--output", self.out, "--json", *extra, timeout=900)
        self.assertEqual(out.returncode, expect, out.stderr[-3000:] + out.stdout[:3000])
        result = json.loads(out.stdout)
        self.assertEqual(result["schema"], "ftbench-diagnosis/1")
        on_disk = load(os.path.join(run_dir_in(self.out), "diagnosis.json"))
        self.assertEqual(on_disk["verdict"], result["verdict"])
        return result

    def tier(self, result, number):
        return next(t for t in result["tiers"] if t["tier"] == number)

    def suspicious(self, interp):
        return [line for line in interp["watch"]["lines"] if line["suspicious"]]

    def test_adjacent_slots_are_false_sharing_and_padded_ones_are_clean(self):
        result = self.diagnose("diagnose/adjacent_slots", ["3.13t"])
        self.assertEqual(self.tier(result, 3)["status"], "done", result["tiers"])
        self.assertEqual(self.tier(result, 2)["status"], "unavailable")
        self.assertIn("no PMU", self.tier(result, 2)["message"])
        self.assertEqual(self.tier(result, 1)["status"], "done")
        (interp,) = result["interpreters"]
        self.assertFalse(interp["gil_enabled"])
        # This 2-vCPU VM may not give both workers a CPU: any verdict but the GIL's is possible.
        self.assertNotIn(interp["scaling"]["cause"], ("gil_serialised", "not_enough_data"))
        self.assertEqual([p["threads"] for p in interp["scaling"]["points"]], [1, 2])
        lines = self.suspicious(interp)
        self.assertEqual(len(lines), 1, json.dumps(interp["watch"], indent=1)[:4000])
        line = lines[0]
        self.assertEqual(line["verdict"], "false_sharing")
        self.assertEqual(sorted(line["writers"]), ["worker 0", "worker 1"])
        written = [w for w in line["words"] if w["by_thread"]]
        self.assertEqual(len(written), 2)
        self.assertEqual(written[1]["offset"] - written[0]["offset"], 8)
        for w in written:
            self.assertEqual(len(w["by_thread"]), 1, w)
        self.assertTrue(line["contended"], line["summary"])
        self.assertIn("false sharing between", line["summary"])
        self.assertIn("64 bytes", line["fix"])
        self.assertIn("false sharing", result["verdict"])
        # The dashboard carries the section's data.
        with open(os.path.join(run_dir_in(self.out), "dashboard.html")) as f:
            self.assertIn('"diagnosis":', f.read())

        shutil.rmtree(self.out)
        padded = self.diagnose("diagnose/padded_slots", ["3.13t"])
        (interp,) = padded["interpreters"]
        self.assertEqual(self.tier(padded, 3)["status"], "done")
        self.assertEqual(self.suspicious(interp), [], json.dumps(interp["watch"]["lines"], indent=1)[:3000])
        written_lines = [line for line in interp["watch"]["lines"] if line["writes"] > 0]
        self.assertGreaterEqual(len(written_lines), 2)  # each slot on its own line, one writer each

    def test_one_slot_for_all_threads_is_true_sharing(self):
        result = self.diagnose("diagnose/one_slot", ["3.13t"])
        (interp,) = result["interpreters"]
        lines = self.suspicious(interp)
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["verdict"], "true_sharing")

    def test_references_to_one_mortal_object_are_refcount_contention_and_an_immortal_one_gets_no_writes(self):
        result = self.diagnose("diagnose/shared_object", ["3.13t"])
        (interp,) = result["interpreters"]
        contention = [line for line in self.suspicious(interp) if line["verdict"] == "refcount_contention"]
        self.assertEqual(len(contention), 1, json.dumps(interp["watch"]["lines"], indent=1)[:3000])
        self.assertIn("reference-count contention on shared", contention[0]["summary"])
        shared_words = [w for w in contention[0]["words"] if len(w["by_thread"]) == 2]
        self.assertTrue(any(w["name"] == "shared.ob_ref_shared" for w in shared_words), contention[0]["words"])

        shutil.rmtree(self.out)
        immortal = self.diagnose("diagnose/immortal_object", ["3.13t"])
        (interp,) = immortal["interpreters"]
        named = [line for line in interp["watch"]["lines"] if any(w["name"].startswith("shared") for w in line["words"])]
        self.assertTrue(named, interp["watch"]["lines"])
        for line in named:
            self.assertEqual(line["writes"], 0, line)
            self.assertEqual(line["verdict"], "no_writes")

    def test_the_same_layout_under_the_gil_is_shared_but_barely_contended(self):
        result = self.diagnose("diagnose/adjacent_slots", ["3.13"])
        (interp,) = result["interpreters"]
        self.assertTrue(interp["gil_enabled"])
        lines = self.suspicious(interp)
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["verdict"], "false_sharing")
        self.assertFalse(lines[0]["contended"], lines[0]["summary"])
        self.assertIn("barely contended", lines[0]["summary"])
        self.assertEqual(interp["scaling"]["cause"], "gil_serialised", interp["scaling"])

    def test_a_script_without_watch_calls_is_diagnosed_from_its_globals(self):
        script = os.path.join(DIAGNOSE_WORKLOADS, "adjacent_script.py")
        out = orchestrate("diagnose", script, "--python", "3.13t", "--threads", "1", "--repetitions", "1",
                          "--warmups", "0", "--iterations", "1", "--trap-budget", "4", "--output", self.out,
                          "--", "5000", timeout=900)
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        self.assertIn("false sharing between", out.stdout)
        self.assertIn("views[0]", out.stdout)
        self.assertIn("Tiers:", out.stdout)

    def test_the_suite_pair_baseline_is_diagnosed_and_padded_is_clean(self):
        out = self.diagnose_suite("memory/ordering/false_sharing_baseline")
        self.assertEqual(len(self.suspicious(out["interpreters"][0])), 1)
        self.assertEqual(self.suspicious(out["interpreters"][0])[0]["verdict"], "false_sharing")
        shutil.rmtree(self.out)
        out = self.diagnose_suite("memory/ordering/false_sharing_padded")
        self.assertEqual(self.suspicious(out["interpreters"][0]), [])

    def diagnose_suite(self, target):
        out = orchestrate("diagnose", target, "--python", "3.13t", "--threads", "1", "2", "--repetitions", "2",
                          "--warmups", "0", "--iterations", "1", "--size", "quick", "--trap-budget", "4",
                          "--output", self.out, "--json", timeout=900)
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        return json.loads(out.stdout)

    def test_bad_targets_give_one_line(self):
        out = orchestrate("diagnose", "/nonexistent/script.py")
        self.assertEqual(out.returncode, 2)
        self.assertIn("does not exist", out.stderr)
        out = orchestrate("diagnose", "no/such_benchmark", "--python", "3.13t", "--output", self.out)
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        # A script that fails: its processes are recorded as failed, the tiers say why, exit 1.
        failing = os.path.join(self.tmp, "failing.py")
        with open(failing, "w") as f:
            f.write("raise SystemExit('boom: bad input')\n")
        out = orchestrate("diagnose", failing, "--python", "3.13t", "--threads", "1", "--repetitions", "1",
                          "--warmups", "0", "--iterations", "1", "--output", self.out)
        self.assertEqual(out.returncode, 1, out.stderr[-2000:])
        self.assertIn("no verdict:", out.stdout)
        self.assertIn("boom: bad input", out.stdout)
        self.assertIn("tier 3 (watchpoints) failed", out.stderr)


if __name__ == "__main__":
    unittest.main()


FIXTURE_RUNS = os.path.join(SOURCE, "tests", "fixtures", "runs")

# analysis.json paths (list indices written as [], matched as regular expressions) whose
# values changed on purpose since the fixture was written, each with why. Numbers anywhere
# else must agree to 1e-9 (relative) and strings must be equal; fields added since are allowed.
CHANGED_ON_PURPOSE = {
    # Issue 16, the process is the unit: a cell's centre and its interval are over the process
    # medians (so MAD, measured from that centre, moves too); its descriptive spread (n, mean,
    # stdev, min, max, quartiles, outliers) does not change.
    r"\.cells\[\]\.(time|time_per_op|parallelism)\.(median|mad|median_ci\..*)": "#16 process as unit",
    r"\.cells\[\]\.counters\[\]\.(per_iteration|per_op)\.(median|mad|median_ci\..*)": "#16 process as unit",
    # ... too_few_values now counts processes (3 here), not iterations.
    r"\.cells\[\]\.time\.warnings": "#16 too_few_values counts units",
    # Comparisons, scaling points and their geometric means are computed on process medians.
    r"\.comparisons\[\]\..*": "#16 process as unit",
    r"\.scaling\[\]\.points\[\]\..*": "#16 process as unit",
    r"\.geomeans\[\]\..*": "#16 process as unit",
    r"\.findings": "#16 findings follow the comparisons",
}


def changed_on_purpose(path):
    import re
    normalized = re.sub(r"\[\d+\]", "[]", path)
    return any(re.fullmatch(pattern, normalized) for pattern in CHANGED_ON_PURPOSE)


def differences(expected, actual, path=""):
    """Every place where `actual` does not reproduce `expected` (additions in `actual` are fine)."""
    out = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [(path, "not an object")]
        for key, value in expected.items():
            if key not in actual:
                out.append((path + "." + key, "missing"))
            else:
                out.extend(differences(value, actual[key], path + "." + key))
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [(path, "a list of another length")]
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(differences(e, a, path + "[%d]" % i))
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if expected != actual:
            out.append((path, "%r -> %r" % (expected, actual)))
    elif not isinstance(actual, (int, float)) or isinstance(actual, bool) or \
            abs(expected - actual) > 1e-9 * max(1.0, abs(expected)):
        out.append((path, "%r -> %r" % (expected, actual)))
    return out


class ReportFixture(TempDirTest):
    """A run directory written by an earlier main still loads, and `report` gives its numbers."""

    def test_schema_v1_run_directory_reports_the_same_numbers(self):
        run = os.path.join(self.tmp, "smoke-v1")
        shutil.copytree(os.path.join(FIXTURE_RUNS, "smoke-v1"), run)
        out = orchestrate("report", run, "--format", "json,csv,markdown", "--quiet")
        self.assertEqual(out.returncode, 0, out.stderr)
        expected = load(os.path.join(FIXTURE_RUNS, "smoke-v1.analysis.json"))
        actual = load(os.path.join(run, "analysis.json"))
        found = [(p, d) for p, d in differences(expected, actual) if not changed_on_purpose(p)]
        self.assertEqual(found, [], "analysis.json of a stored schema-v1 run changed:\n" +
                         "\n".join("%s: %s" % pd for pd in found[:40]))
        # Every stored process is read back whole: the rebuilt results.json has them all.
        merged = load(os.path.join(run, "results.json"))
        self.assertEqual(len(merged["runs"]), len(os.listdir(os.path.join(run, "runs"))))
        self.assertEqual(merged["schema_version"], 1)

    def test_the_descriptive_spread_of_a_cell_did_not_move(self):
        self.assertFalse(changed_on_purpose(".cells[0].time.mean"))
        self.assertFalse(changed_on_purpose(".cells[3].time_per_op.stdev"))
        self.assertTrue(changed_on_purpose(".cells[3].time_per_op.median_ci.low"))

    def test_differences_finds_a_changed_number(self):
        self.assertEqual(differences({"a": [1.0, {"b": "x"}]}, {"a": [1.0, {"b": "x"}], "new": 1}), [])
        self.assertEqual(len(differences({"a": [1.0]}, {"a": [1.1]})), 1)
        self.assertEqual(len(differences({"a": "1.00x"}, {"a": "1.00x (n.s.)"})), 1)



NIGHTLY_WORKLOADS = os.path.join(SOURCE, "tests", "e2e", "workloads")


class Nightly(TempDirTest):
    """Five learning nights of a small config, then a knob makes one cell do three times the work.
    Eight cells, so that the machine's own move each night is estimated robustly. This tests the
    pipeline (detect, confirm, acknowledge), not sensitivity: on this shared 2-core VM a cell's
    median moves up to ~15 % night to night (CI once saw 224-336 ns over five nights, which hid a
    60 % step behind the segment's own spread), so the step is made large and the minimum effect
    raised to keep the other seven cells quiet; five learning nights rather than three, because
    with three a noisy segment's own night-to-night variance can hide even this step.
    scripts/history-benchmark measures sensitivity."""

    def setUp(self):
        super().setUp()
        self.workloads = os.path.join(self.tmp, "workloads")
        shutil.copytree(os.path.join(NIGHTLY_WORKLOADS, "nightly"), os.path.join(self.workloads, "suite", "nightly"))
        os.symlink(os.path.join(SOURCE, "workloads", "ftbench"), os.path.join(self.workloads, "ftbench"))
        self.out = os.path.join(self.tmp, "results")
        self.config = os.path.join(self.tmp, "nightly.yaml")
        with open(self.config, "w") as f:
            f.write("""name: nightly-e2e
interpreters:
  - name: "3.13"
    version: "3.13"
    free_threaded: false
    baseline: true
  - name: "3.13t"
    version: "3.13"
    free_threaded: true
benchmarks: ["nightly/*"]
threads: [1, 2]
size: quick
repetitions: {processes: 6, warmups: 1, iterations: 5}
counters: none
timeout: 120s
output: {directory: %s, formats: [json, markdown]}
history:
  max_load: 100     # ctest runs other tests beside this one: load is not what is tested here
  max_noise: 1
  min_effect: 0.15
""" % self.out)
        self.history = os.path.join(self.out, "history.sqlite")

    def nightly(self, *extra):
        return orchestrate("nightly", "--config", self.config, "--workloads-dir", self.workloads, *extra, timeout=900)

    def regressions(self):
        out = orchestrate("history", "regressions", "--json", "--history", self.history)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_a_slower_cell_is_one_confirmed_regression_until_acknowledged(self):
        for night in range(5):
            out = self.nightly()
            self.assertEqual(out.returncode, 0, "night %d\n%s\n%s" % (night + 1, out.stdout, out.stderr[-3000:]))
        self.assertIn("learning", out.stdout)
        with open(os.path.join(self.workloads, "suite", "nightly", "knob.json"), "w") as f:
            json.dump({"extra": 2.0, "free_threaded": True, "threads": 1}, f)
        out = self.nightly()
        if out.returncode != 4:  # what the series looked like, to tell noise from a fault
            shown = orchestrate("history", "show", "3.13t nightly/knob_compute t1 time_per_op", "--history", self.history)
            self.fail("exit %d, not 4 (a new confirmed regression)\n%s\n%s\n%s" % (
                out.returncode, out.stdout, out.stderr[-3000:], shown.stdout + shown.stderr))
        self.assertIn("1 new confirmed regression", out.stdout)
        # Slower cells only: a confirmed improvement (a noisy night of another cell, judged faster)
        # never fails the job and is not what this test is about.
        confirmed = [r for r in self.regressions()
                     if r["state"] == "confirmed" and r["direction"] == "slower" and r["series"].endswith("time_per_op")]
        self.assertEqual(len(confirmed), 1, confirmed)
        self.assertEqual(confirmed[0]["series"], "3.13t nightly/knob_compute t1 time_per_op")
        self.assertGreater(confirmed[0]["ratio"], 1.25)
        self.assertIn(confirmed[0]["series"], out.stdout)
        # Every report of the night was written, and the history page beside the database.
        run_dir = confirmed[0]["run_dir"]
        for name in ("nightly.md", "nightly.json", "results.json", "summary.md"):
            self.assertTrue(os.path.exists(os.path.join(run_dir, name)), name)
        report = load(os.path.join(run_dir, "nightly.json"))
        self.assertEqual(report["outcome"], "new confirmed regression")
        self.assertEqual(len(report["new_regressions"]), 1)
        self.assertTrue(os.path.exists(os.path.join(self.out, "history.html")))

        ack = orchestrate("history", "ack", str(confirmed[0]["id"]), "--note", "three times the work on purpose",
                          "--history", self.history)
        self.assertEqual(ack.returncode, 0, ack.stderr)
        self.assertIn("acknowledged", ack.stdout)
        out = self.nightly()
        self.assertEqual(out.returncode, 0, "acknowledged: the next night is clean\n%s\n%s" % (out.stdout, out.stderr[-3000:]))
        states = sorted(r["state"] for r in self.regressions() if r["state"] in ("confirmed", "acknowledged")
                        and r["direction"] == "slower" and r["series"].endswith("time_per_op"))
        self.assertEqual(states, ["acknowledged"], self.regressions())

        listed = orchestrate("history", "list", "--history", self.history)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("7 nights", listed.stdout)
        shown = orchestrate("history", "show", "3.13t nightly/knob_compute t1 time_per_op", "--history", self.history)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("acknowledged", shown.stdout)

    def test_a_second_job_on_the_same_history_exits_at_once_naming_the_holder(self):
        import fcntl
        os.makedirs(self.out)
        with open(self.history + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            lock.write("pid 4242, orchestrate nightly --config other.yaml, since 2026-11-30T02:30:00Z")
            lock.flush()
            # A job that waited for the lock instead would run the whole night: it must not get that far.
            out = orchestrate("nightly", "--config", self.config, "--workloads-dir", self.workloads, timeout=120)
        self.assertEqual(out.returncode, 6, out.stderr)
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        self.assertIn("pid 4242", out.stderr)
        self.assertFalse(glob.glob(os.path.join(self.out, "2*")), "nothing ran")

    def test_bad_config_and_bad_history_files_give_one_line(self):
        with open(self.config, "a") as f:
            f.write("  fdr: 2\n")
        out = self.nightly()
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("nightly.yaml:", out.stderr)
        # A file that is not an ftbench history is refused before anything runs, and kept.
        with open(self.config) as f:
            text = f.read().replace("  fdr: 2\n", "")
        with open(self.config, "w") as f:
            f.write(text)
        os.makedirs(self.out)
        with open(self.history, "wb") as f:
            f.write(b"not a database" * 1000)
        out = self.nightly()
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("not a usable SQLite database", out.stderr)
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        with open(self.history, "rb") as f:
            self.assertEqual(f.read(), b"not a database" * 1000)

    def test_history_import_is_idempotent_and_refuses_half_written_runs(self):
        shutil.copytree(os.path.join(SOURCE, "tests", "fixtures", "runs", "smoke-v1"), os.path.join(self.tmp, "old", "smoke-v1"))
        old = os.path.join(self.tmp, "old", "smoke-v1")
        history = os.path.join(self.tmp, "h.sqlite")
        first = orchestrate("history", "import", old, "--history", history)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn(": stored", first.stdout)
        again = orchestrate("history", "import", old, "--history", history)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("already stored", again.stdout)
        # Half written: an interrupted run, and a directory whose manifest was cut short.
        interrupted = os.path.join(self.tmp, "old", "interrupted")
        shutil.copytree(old, interrupted)
        manifest = load(os.path.join(interrupted, "manifest.json"))
        manifest["status"] = "interrupted"
        manifest["run_id"] = "interrupted"
        with open(os.path.join(interrupted, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        cut = os.path.join(self.tmp, "old", "cut")
        shutil.copytree(old, cut)
        with open(os.path.join(cut, "manifest.json"), "r+") as f:
            text = f.read()
            f.seek(0)
            f.truncate()
            f.write(text[: len(text) // 2])
        out = orchestrate("history", "import", interrupted, cut, "--history", history)
        self.assertEqual(out.returncode, 1, out.stderr)
        lines = out.stderr.strip().splitlines()
        self.assertEqual(len(lines), 2, out.stderr)
        self.assertIn("--resume", lines[0])
        self.assertIn("cut", lines[1])
        listed = orchestrate("history", "list", "--json", "--history", history)
        self.assertEqual(len(json.loads(listed.stdout)), 1, "only the complete run is stored")
