"""Shared bits of the tests/workloads unittest modules (run by run_under_interpreters.py)."""

import json
import os
import platform
import subprocess
import sys
import sysconfig

from channel_driver import FIXTURES_DIR, WORKLOADS_DIR, harness_env

if WORKLOADS_DIR not in sys.path:  # in-process tests import ftbench directly
    sys.path.insert(0, WORKLOADS_DIR)

FREE_THREADED_BUILD = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
QUICK = ["--size", "quick"]


def fixture(name):
    return os.path.join(FIXTURES_DIR, name)


def expectations():
    with open(fixture("EXPECTED.json")) as f:
        return json.load(f)


def run_harness(args, env=None, timeout=120):
    """``python -m ftbench ARGS`` with this interpreter, standalone; a CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "ftbench"] + list(args), env=env or harness_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


def suite_listing():
    done = run_harness(["list", "--json"])
    return done, (json.loads(done.stdout) if done.stdout.strip() else None)


def assert_hello_describes_this_interpreter(test, hello):
    interp = hello["interpreter"]
    test.assertEqual(interp["free_threaded_build"], FREE_THREADED_BUILD)
    test.assertEqual(interp["version"], platform.python_version())
    test.assertEqual(interp["implementation"], sys.implementation.name)
    if not FREE_THREADED_BUILD:
        test.assertTrue(interp["gil_enabled"])
