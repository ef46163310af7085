"""Security checks that stay true (issue #12, item 8), on the real orchestrate binary.

* Configs never reach a shell: every key the config loader knows (read from
  orchestrator/config/config_loader.cpp, so a new key fails here until it is classified) gets
  shell metacharacters; free-text values run (dry run and a real tiny run) and come back
  verbatim, validated ones are refused at file:line:col; no marker file is ever created.
* The child environment is the allow-list only: secrets planted in orchestrate's environment
  reach no child (interpreter probe, workload listing, bytecode precompile, benchmark process,
  diagnose process) and no file of the run directory.
* File names derived from labels stay inside the run directory, deterministic and distinct.

The browser side (escaping in the dashboard, index and history pages) is
dashboard/test/security_browser_test.mjs (ctest report_security_browser)."""

import glob
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

ORCHESTRATE = os.environ["FTBENCH_ORCHESTRATE"]
SOURCE = os.environ["FTBENCH_SOURCE_DIR"]
LOADER = os.path.join(SOURCE, "orchestrator", "config", "config_loader.cpp")
# Any CPython 3 does for these checks; the one running the test is always there.
PYTHON = os.path.realpath(sys.executable)


def orchestrate(*args, env=None, cwd=SOURCE, timeout=600):
    return subprocess.run([ORCHESTRATE, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def hostile(marker_dir, tag):
    """A value that creates marker files if any shell ever sees it: each way of starting a
    command (;, $(), backticks, |, &&, a newline), both quotes, and some HTML for good measure."""
    m = os.path.join(marker_dir, "PWNED-" + tag)
    return ("x; touch %s-semi; $(touch %s-dollar) `touch %s-tick` | touch %s-pipe && touch %s-and\n"
            "touch %s-newline ' \" <b>" % (m, m, m, m, m, m))


def hostile_name(tag):
    """The same as one file-name component (no '/', short): its markers land in the working
    directory of whatever shell would run it, and orchestrate runs in the marker folder."""
    return "x;touch %s1;$(touch %s2)`touch %s3`|touch %s4&&touch %s5\ntouch %s6'\"<b>" % ((tag,) * 6)


# --- the config's keys -------------------------------------------------------------------------
# Every key of config_loader.cpp's expect_keys() lists, by the mapping it belongs to. A new key
# fails test_every_config_key_is_classified until it is put in one of these three groups.
FREE_TEXT = {  # any text is valid: must run with metacharacters and come back verbatim
    ("the config", "name"), ("interpreters[]", "name"), ("interpreters[]", "path"), ("interpreters[]", "env"),
    ("benchmarks", "include"), ("benchmarks", "exclude"), ("benchmarks", "tags"),
    ("counters.events entry", "name"), ("output", "directory"), ("history", "path"),
}
VALIDATED = {  # a fixed vocabulary, a number or a URL: metacharacters are refused at file:line:col
    ("requires", "kernel"), ("interpreters[]", "version"), ("interpreters[]", "free_threaded"),
    ("interpreters[]", "source"), ("interpreters[]", "baseline"), ("interpreters[]", "required"),
    ("the config", "threads"), ("the config", "size"), ("the config", "timeout"), ("the config", "seed"),
    ("the config", "affinity"), ("the config", "counters"),
    ("repetitions", "processes"), ("repetitions", "warmups"), ("repetitions", "iterations"),
    ("repetitions", "target_rel_ci"), ("repetitions", "max_time"), ("repetitions", "order"),
    ("counters", "profile"), ("counters.events entry", "required"), ("output", "formats"),
    ("history", "url"), ("history", "enabled"), ("history", "fdr"), ("history", "min_effect"),
    ("history", "noise_multiplier"), ("history", "confirm_budget"), ("history", "max_load"),
    ("history", "max_noise"), ("history", "drift_threshold"),
    ("limits", "memory"), ("limits", "log"), ("limits", "open_files"),
}
STRUCTURE = {  # mappings and lists whose own values are the keys above
    ("the config", "requires"), ("the config", "interpreters"), ("the config", "benchmarks"),
    ("the config", "repetitions"), ("the config", "output"), ("the config", "history"), ("counters", "events"),
    ("the config", "limits"),
}


def loader_keys():
    """(mapping, key) for every expect_keys(node, "what", {"key", ...}) call in the loader."""
    with open(LOADER, encoding="utf-8") as f:
        text = f.read()
    found = set()
    for what, keys in re.findall(r'expect_keys\(\s*\w+\s*,\s*("[^"]*"|\w+)\s*,\s*\{([^}]*)\}', text):
        section = what.strip('"') if what.startswith('"') else "interpreters[]"  # `what` = "interpreters[i]"
        for key in re.findall(r'"([^"]+)"', keys):
            found.add((section, key))
    # `limits` checks its keys against config.h's kLimitKeys (shared with --limit KEY=VALUE).
    with open(os.path.join(os.path.dirname(LOADER), "config.h"), encoding="utf-8") as f:
        limit_keys = re.search(r'kLimitKeys\[\]\s*=\s*\{([^}]*)\}', f.read())
    for key in re.findall(r'"([^"]+)"', limit_keys.group(1) if limit_keys else ""):
        found.add(("limits", key))
    return found


def base_config(tmp, python, label="plain"):
    return {
        "name": "security",
        "interpreters": [{"name": label, "path": python}],
        "benchmarks": ["baseline/cpu"],
        "threads": [1],
        "size": "quick",
        "repetitions": {"processes": 1, "warmups": 0, "iterations": 1},
        "counters": "none",
        "timeout": "120s",
        "output": {"directory": os.path.join(tmp, "results"), "formats": ["json"]},
        "history": {"enabled": False},
    }


def write_config(tmp, config, name="config.yaml"):
    # JSON is YAML: json.dumps escapes newlines and quotes the way YAML reads them back.
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    return path


def run_dir_in(root):
    dirs = [d for d in glob.glob(os.path.join(glob.escape(root), "*")) if os.path.isdir(d)]
    assert len(dirs) == 1, dirs
    return dirs[0]


class SecurityTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftbench-security-")
        self.markers = os.path.join(self.tmp, "markers")
        os.makedirs(self.markers)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_no_marker(self):
        self.assertEqual(os.listdir(self.markers), [], "a shell ran a config string")

    def orchestrate(self, *args, **kwargs):
        """orchestrate run in the marker folder (relative markers of hostile_name land there)."""
        return orchestrate(*args, cwd=self.markers, **kwargs)


class ConfigsNeverReachAShell(SecurityTest):
    def test_every_config_key_is_classified(self):
        keys = loader_keys()
        self.assertGreater(len(keys), 30, "the loader's expect_keys() lists were not found")
        groups = FREE_TEXT | VALIDATED | STRUCTURE
        self.assertEqual(keys - groups, set(),
                         "config keys this test does not know: put each in FREE_TEXT, VALIDATED or STRUCTURE "
                         "(and give FREE_TEXT ones a hostile value below)")
        self.assertEqual(groups - keys, set(), "classified keys the loader no longer has")
        self.assertFalse(FREE_TEXT & VALIDATED or FREE_TEXT & STRUCTURE or VALIDATED & STRUCTURE)

    def hostile_config(self, real_run):
        """Every free-text field hostile; `real_run`: only those a run can go through with."""
        h = lambda tag: hostile(self.markers, tag)
        # The interpreter path: a real Python behind a directory name full of metacharacters.
        bindir = os.path.join(self.tmp, hostile_name("p"))
        python = os.path.join(bindir, "python3")
        if not os.path.exists(python):
            os.makedirs(bindir)
            os.symlink(PYTHON, python)
        c = base_config(self.tmp, python, label=h("label"))
        c["name"] = h("name")
        c["interpreters"][0]["env"] = {"FTBENCH_HOSTILE": h("env")}
        c["benchmarks"] = {"include": ["baseline/cpu"], "exclude": [h("exclude")], "tags": ["cpu", h("tag")]}
        c["counters"] = {"profile": "none", "events": [{"name": h("event"), "required": False}]}
        c["output"]["directory"] = os.path.join(self.tmp, hostile_name("o"))
        c["history"] = {"enabled": True, "path": os.path.join(self.tmp, hostile_name("h"))}
        if not real_run:
            c["benchmarks"]["include"].append(h("include"))
        return c

    def test_hostile_strings_in_a_dry_run_and_a_real_run(self):
        dry = self.hostile_config(real_run=False)
        out = self.orchestrate("--config", write_config(self.tmp, dry, "dry.yaml"), "--dry-run")
        # The include pattern matches nothing: refused, and named verbatim.
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        # Named verbatim, its newline shown as \n: the error stays one line.
        self.assertIn(dry["benchmarks"]["include"][-1].replace("\n", "\\n"), out.stderr)
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        self.assert_no_marker()

        config = self.hostile_config(real_run=True)
        path = write_config(self.tmp, config)
        out = self.orchestrate("--config", path, "--dry-run")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(config["interpreters"][0]["name"], out.stdout)
        self.assert_no_marker()

        out = self.orchestrate("--config", path)
        self.assert_no_marker()
        self.assertIn(out.returncode, (0, 1), out.stderr)
        run_dir = run_dir_in(config["output"]["directory"])
        results = load(os.path.join(run_dir, "results.json"))
        self.assertEqual(results["config"]["name"], config["name"])
        [interp] = results["interpreters"]
        self.assertEqual(interp["label"], config["interpreters"][0]["name"])
        self.assertEqual(interp["env"], config["interpreters"][0]["env"])
        self.assertEqual([r["status"] for r in results["runs"]], ["ok"], [r["failure"] for r in results["runs"]])
        self.assertEqual(results["config"]["history"], config["history"]["path"])
        self.assertTrue(os.path.isfile(config["history"]["path"]), "the run was not stored in the history")
        self.assertIn(config["counters"]["events"][0]["name"], [e["name"] for e in results["config"]["events"]])

    def test_hostile_script_path_and_arguments(self):
        h = lambda tag: hostile(self.markers, tag)
        folder = os.path.join(self.tmp, hostile_name("d"))
        os.makedirs(folder)
        script = os.path.join(folder, hostile_name("s") + ".py")
        record = os.path.join(self.tmp, "argv.json")
        with open(script, "w", encoding="utf-8") as f:
            f.write("import json, sys\nwith open(%r, 'w') as f:\n    json.dump(sys.argv, f)\n" % record)
        args = [h("arg1"), "--" + h("arg2"), "$HOME", "*", "-c"]
        config = base_config(self.tmp, PYTHON)
        out = self.orchestrate("script", script, "--config", write_config(self.tmp, config), "--", *args)
        self.assert_no_marker()
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(load(record), [script] + args)
        results = load(os.path.join(run_dir_in(config["output"]["directory"]), "results.json"))
        self.assertEqual(results["benchmarks"][0]["script_args"], args)

    def test_validated_values_are_refused_at_their_position(self):
        h = hostile(self.markers, "validated")
        for section, key in sorted(VALIDATED):
            with self.subTest(key="%s.%s" % (section, key)):
                c = base_config(self.tmp, PYTHON)
                if section == "the config":
                    c[key] = h
                elif section == "interpreters[]":
                    c["interpreters"][0][key] = h
                elif section == "counters.events entry":
                    c["counters"] = {"profile": "none", "events": [{"name": "task-clock", key: h}]}
                else:
                    c.setdefault(section, {})
                    if not isinstance(c[section], dict):
                        c[section] = {}
                    c[section][key] = h
                out = self.orchestrate("--config", write_config(self.tmp, c), "--dry-run")
                self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
                self.assertRegex(out.stderr, r"config\.yaml:\d+:\d+: ", out.stderr)
                self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        self.assert_no_marker()


# --- the child environment ----------------------------------------------------------------------
# What child_environment() (orchestrator/harness/workloads.cpp) passes on, plus what it sets.
ALLOWED = {"PATH", "HOME", "TMPDIR", "TEMP", "TMP", "LANG", "LANGUAGE", "TZ", "USER", "LOGNAME"}
SET_BY_ORCHESTRATE = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
SET_BY_HARNESS = {"FTBENCH_THREADS"}


class ChildEnvironmentIsTheAllowList(SecurityTest):
    """Secrets in orchestrate's environment; an interpreter behind a wrapper that records the
    exact environment (/proc/PID/environ) and arguments of every process orchestrate starts."""

    def setUp(self):
        super().setUp()
        self.secret = secrets.token_hex(16)
        self.secrets = {
            "FTBENCH_TEST_SECRET": "ftbench-" + self.secret,
            "AWS_SECRET_ACCESS_KEY": "aws-" + self.secret,
            "PGPASSWORD": "pg-" + self.secret,
            "LD_PRELOAD": "/nonexistent/preload-%s.so" % self.secret,
            "PYTHONPATH": "/nonexistent/pythonpath-" + self.secret,
            "PYTHONSTARTUP": "/nonexistent/startup-%s.py" % self.secret,
        }
        self.env = dict(os.environ, **self.secrets)
        self.calls = os.path.join(self.tmp, "calls")
        os.makedirs(self.calls)
        # The wrapper reads nothing from its environment (it is what is being checked).
        self.python = os.path.join(self.tmp, "python3")
        with open(self.python, "w") as f:
            f.write("#!/bin/sh\ncat /proc/$$/environ > '%s/'$$.env\nprintf '%%s\\0' \"$@\" > '%s/'$$.argv\n"
                    "exec /usr/bin/env -u PWD '%s' \"$@\"\n" % (self.calls, self.calls, PYTHON))  # sh adds PWD
        os.chmod(self.python, os.stat(self.python).st_mode | stat.S_IXUSR)
        self.dump = os.path.join(self.tmp, "dump_env.py")
        with open(self.dump, "w") as f:
            f.write("import json, os, sys\nwith open(sys.argv[1], 'w') as f:\n"
                    "    json.dump({'os': dict(os.environ), 'proc': open('/proc/self/environ', 'rb').read()"
                    ".decode('utf-8', 'replace')}, f)\n")

    def calls_made(self):
        """[(argv, {name: value})] for every process started through the wrapper."""
        out = []
        for env_file in glob.glob(os.path.join(self.calls, "*.env")):
            with open(env_file, "rb") as f:
                env = dict(e.split(b"=", 1) for e in f.read().split(b"\0") if b"=" in e)
            with open(env_file[:-4] + ".argv", "rb") as f:
                argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
            out.append((argv, {k.decode(): v.decode("utf-8", "replace") for k, v in env.items()}))
        return out

    def assert_clean(self, env, what):
        leaked = {k for k, v in self.secrets.items() if k in env and env[k] == v}
        self.assertEqual(leaked, set(), "%s sees %s" % (what, leaked))
        self.assertNotIn(self.secret, json.dumps(env), what)
        extra = {k for k in env if k not in ALLOWED | SET_BY_ORCHESTRATE | SET_BY_HARNESS and not k.startswith("LC_")}
        self.assertEqual(extra, set(), "%s gets variables outside the allow-list" % what)

    def assert_secret_in_no_file(self, root):
        for folder, _, files in os.walk(root):
            for name in files:
                with open(os.path.join(folder, name), "rb") as f:
                    self.assertNotIn(self.secret.encode(), f.read(), os.path.join(folder, name))

    def test_script_benchmark_and_precompile_children(self):
        out_root = os.path.join(self.tmp, "results")
        dump = os.path.join(self.tmp, "env.json")
        config = base_config(self.tmp, self.python)
        out = self.orchestrate("script", self.dump, "--config", write_config(self.tmp, config), "--", dump, env=self.env)
        self.assertEqual(out.returncode, 0, out.stderr)
        seen = load(dump)
        self.assert_clean(seen["os"], "the script (os.environ)")
        proc = dict(e.split("=", 1) for e in seen["proc"].split("\0") if "=" in e)
        self.assert_clean(proc, "the script (/proc/self/environ)")
        self.assertNotIn(self.secret, seen["proc"])
        kinds = set()
        for argv, env in self.calls_made():
            kind = ("probe" if "-I" in argv else "precompile" if "compileall" in argv
                    else "harness" if "ftbench" in argv else " ".join(argv))
            kinds.add(kind)
            self.assert_clean(env, kind)
        self.assertLessEqual({"probe", "precompile", "harness"}, kinds, kinds)
        self.assert_secret_in_no_file(out_root)
        # The dynamic loader names LD_PRELOAD's value itself when orchestrate starts: not ours.
        said = out.stdout + "".join(l for l in out.stderr.splitlines(True) if "ld.so:" not in l)
        self.assertNotIn(self.secret, said)

    def test_diagnose_child(self):
        out_root = os.path.join(self.tmp, "results")
        script = os.path.join(self.tmp, "work.py")
        with open(script, "w") as f:
            f.write("total = sum(range(1000))\n")
        out = self.orchestrate("diagnose", script, "--python", self.python, "--threads", "1", "--repetitions", "1",
                          "--warmups", "0", "--iterations", "1", "--size", "quick", "--output", out_root,
                          env=self.env, timeout=900)
        self.assertIn(out.returncode, (0, 1), out.stderr[-2000:])
        calls = self.calls_made()
        diagnosed = [env for argv, env in calls if "--diagnose" in argv]
        self.assertTrue(diagnosed, [argv for argv, _ in calls])
        for argv, env in calls:
            self.assert_clean(env, " ".join(argv[:3]))
        self.assert_secret_in_no_file(out_root)


# --- file names ---------------------------------------------------------------------------------
TRICKY_LABELS = ["../../etc/x", "/abs/path", "..", ".", "a/b", "a_b", "con", "L" * 300, "L" * 299 + "M",
                 "new\nline", "nul\u0000byte", "ünïcödé ☃", "-rf", "~root"]


def snapshot(root):
    found = set()
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            found.add(os.path.join(folder, name))
    return found


class FileNamesStayInside(SecurityTest):
    def test_tricky_labels_write_only_inside_the_run_directory(self):
        out_root = os.path.join(self.tmp, "outer", "results")
        os.makedirs(out_root)
        config = base_config(self.tmp, PYTHON)
        config["interpreters"] = [{"name": label, "path": PYTHON} for label in TRICKY_LABELS]
        config["output"] = {"directory": out_root, "formats": ["json", "csv", "markdown", "html", "pyperf"]}
        config["history"] = {"enabled": True}
        config["name"] = "../../" + "n" * 300
        before = snapshot(self.tmp)
        out = self.orchestrate("--config", write_config(self.tmp, config))
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        created = snapshot(self.tmp) - before
        outside = {p for p in created if not p.startswith(out_root + os.sep)}
        self.assertEqual(outside, {os.path.join(self.tmp, "config.yaml")} - before, "written outside the results root")
        for p in ("/abs/path", "/etc/x", os.path.join(self.tmp, "etc")):
            self.assertFalse(os.path.exists(p), p)
        run_dir = run_dir_in(out_root)
        for p in created:
            self.assertLessEqual(len(os.path.basename(p).encode()), 255, p)
            self.assertNotIn("\n", p)
        # One pyperf file per interpreter: distinct labels never share a file.
        pyperf = sorted(os.listdir(os.path.join(run_dir, "pyperf")))
        self.assertEqual(len(pyperf), len(TRICKY_LABELS), pyperf)
        results = load(os.path.join(run_dir, "results.json"))
        self.assertEqual({i["label"] for i in results["interpreters"]}, set(TRICKY_LABELS))

        # The same labels name the same files: the names are a function of the labels alone.
        again = os.path.join(self.tmp, "again")
        config["output"]["directory"] = again
        out = self.orchestrate("--config", write_config(self.tmp, config, "again.yaml"))
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        self.assertEqual(sorted(os.listdir(os.path.join(run_dir_in(again), "pyperf"))), pyperf)

    def test_diagnose_logs_of_labels_that_clean_alike_are_distinct(self):
        out_root = os.path.join(self.tmp, "outer", "results")
        script = os.path.join(self.tmp, "work.py")
        with open(script, "w") as f:
            f.write("total = sum(range(1000))\n")
        labels = ["a/b", "a_b", "../../x"]
        config = base_config(self.tmp, PYTHON)
        config["interpreters"] = [{"name": label, "path": PYTHON} for label in labels]
        config["output"]["directory"] = out_root
        os.makedirs(out_root)
        before = snapshot(self.tmp)
        out = self.orchestrate("diagnose", script, "--config", write_config(self.tmp, config), "--threads", "1",
                               "--repetitions", "1", "--warmups", "0", "--iterations", "1", "--size", "quick",
                               timeout=900)
        self.assertIn(out.returncode, (0, 1), out.stderr[-2000:])
        created = snapshot(self.tmp) - before
        self.assertEqual({p for p in created if not p.startswith(out_root + os.sep)},
                         {os.path.join(self.tmp, "config.yaml")} - before)
        logs = [n for n in os.listdir(os.path.join(run_dir_in(out_root), "logs")) if n.startswith("diagnose-")]
        stems = {n.rsplit("-", 1)[0] for n in logs if n.endswith(".stderr")}
        self.assertEqual(len(stems), len(labels), logs)


if __name__ == "__main__":
    unittest.main()
