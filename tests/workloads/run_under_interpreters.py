#!/usr/bin/env python3
"""Run one or more unittest modules of tests/workloads under every discovered interpreter.

Interpreters come from ``orchestrate interpreters --json`` (``--orchestrate PATH``); if that
fails or is not given, from the colon-separated list in ``FTBENCH_TEST_PYTHONS``. Only
CPython >= 3.10 is kept. Each module runs in a subprocess of each interpreter (so the test
process and the harness processes it spawns are that interpreter). Fails if any run fails,
or if the set lacks a GIL build or a free-threaded build: the harness must be proven on both.

    FTBENCH_TEST_PYTHONS=/path/python3.12:/path/python3.13t \\
        python3 tests/workloads/run_under_interpreters.py test_channel test_fixtures
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MIN_VERSION = (3, 10)

PROBE = ("import json, os, sys, sysconfig; print(json.dumps({'path': sys.executable, "
         "'implementation': sys.implementation.name, 'version': '%d.%d.%d' % sys.version_info[:3], "
         "'free_threaded_build': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
         "'gil_enabled': getattr(sys, '_is_gil_enabled', lambda: True)()}))")


def _say(text):
    print("run_under_interpreters: " + text, flush=True)


def from_orchestrate(path):
    """Interpreters per ``orchestrate interpreters --json``, or (None, why it failed)."""
    if not path:
        return None, "no --orchestrate given"
    if not os.access(path, os.X_OK):
        return None, "{} is not an executable".format(path)
    try:
        done = subprocess.run([path, "interpreters", "--json"], capture_output=True, text=True,
                              timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, "`{} interpreters --json` failed: {}".format(path, exc)
    if done.returncode != 0:
        return None, "`{} interpreters --json` exited {}: {}".format(
            path, done.returncode, done.stderr.strip()[-500:])
    try:
        found = json.loads(done.stdout)["interpreters"]
        return [dict(i, source=i.get("source", "orchestrate")) for i in found], None
    except (ValueError, KeyError, TypeError) as exc:
        return None, "`{} interpreters --json` printed no usable JSON ({})".format(path, exc)


def from_environment():
    listed = [p for p in os.environ.get("FTBENCH_TEST_PYTHONS", "").split(os.pathsep) if p]
    found = []
    for path in listed:
        try:
            done = subprocess.run([path, "-c", PROBE], capture_output=True, text=True, timeout=60)
            facts = json.loads(done.stdout)
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            _say("skipping {}: cannot probe it ({})".format(path, exc))
            continue
        facts["path"] = path  # keep the name given (a venv's python resolves elsewhere)
        facts["source"] = "FTBENCH_TEST_PYTHONS"
        found.append(facts)
    return found


def _version(text):
    try:
        return tuple(int(part) for part in text.split(".")[:2])
    except (AttributeError, ValueError):
        return (0, 0)


def select(interpreters):
    """CPython >= 3.10, one entry per real executable."""
    kept, seen = [], set()
    for interp in interpreters:
        real = os.path.realpath(interp.get("path", ""))
        if interp.get("implementation") != "cpython":
            _say("skipping {}: not CPython".format(interp.get("path")))
        elif _version(interp.get("version", "")) < MIN_VERSION:
            _say("skipping {}: version {} < 3.10".format(interp.get("path"), interp.get("version")))
        elif real in seen:
            continue
        elif not os.access(real, os.X_OK):
            _say("skipping {}: not executable".format(interp.get("path")))
        else:
            seen.add(real)
            kept.append(interp)
    return kept


def label(interp):
    build = "free-threaded" if interp.get("free_threaded_build") else "GIL build"
    return "{} {} ({})".format(interp.get("version"), build, interp.get("path"))


def run_module(interp, module, timeout):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (HERE, os.path.join(REPO, "workloads"), env.get("PYTHONPATH")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # several interpreters share these source trees
    started = time.monotonic()
    try:
        done = subprocess.run([interp["path"], "-m", "unittest", "-v", module], cwd=HERE, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout)
        status, output = done.returncode, done.stdout
    except subprocess.TimeoutExpired as exc:
        status = "timeout"
        output = (exc.stdout or b"").decode("utf-8", "replace") if isinstance(exc.stdout, bytes) \
            else (exc.stdout or "")
    return status, output, time.monotonic() - started


def _module_name(name):
    base = os.path.basename(name)
    return base[:-3] if base.endswith(".py") else base


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orchestrate", metavar="PATH",
                        help="the orchestrate program; its `interpreters --json` is the source")
    parser.add_argument("--timeout", type=float, default=1200.0,
                        help="seconds per module per interpreter (default %(default)s)")
    parser.add_argument("modules", nargs="+", metavar="MODULE",
                        help="unittest module in tests/workloads (test_channel or test_channel.py)")
    args = parser.parse_args(argv)

    interpreters, why = from_orchestrate(args.orchestrate)
    if not interpreters:
        if interpreters == []:
            why = "`orchestrate interpreters --json` found no interpreter"
        _say("{}; falling back to FTBENCH_TEST_PYTHONS".format(why))
        interpreters = from_environment()
    interpreters = select(interpreters)
    if not interpreters:
        _say("FAIL: no interpreter to test with (build orchestrate, or set FTBENCH_TEST_PYTHONS "
             "to a colon-separated list of python executables)")
        return 1
    _say("interpreters: " + "; ".join(label(i) for i in interpreters))

    results = []
    for module in [_module_name(m) for m in args.modules]:
        for interp in interpreters:
            print("\n===== {} under {} =====".format(module, label(interp)), flush=True)
            status, output, seconds = run_module(interp, module, args.timeout)
            print(output, flush=True)
            results.append((module, interp, status, seconds))

    print("\n===== summary =====")
    failed = False
    for module, interp, status, seconds in results:
        ok = status == 0
        failed |= not ok
        print("{:<6} {:<22} {:7.1f} s  {}".format("ok" if ok else "FAIL", module, seconds, label(interp))
              + ("" if ok else "  (exit status {})".format(status)))
    kinds = {bool(i.get("free_threaded_build")) for i in interpreters}
    if kinds != {False, True}:
        missing = "free-threaded (3.13t or later)" if True not in kinds else "GIL"
        print("FAIL: no {} interpreter among them; the harness must be tested on both kinds "
              "(run scripts/provision-python, or add one to FTBENCH_TEST_PYTHONS)".format(missing))
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
