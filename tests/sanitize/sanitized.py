#!/usr/bin/env python3
"""Runs a program of the sanitizer tree (build-sanitize/, cmake/Sanitizers.cmake) for the main
build's ctest: the test programs under ASan+UBSan, and the libFuzzer targets' short runs.

    sanitized.py gtest --build-dir B --program tests/orchestrator_tests [--exclude PATTERN:...]
    sanitized.py fuzz --build-dir B --source-dir S --target config --seconds 30

A missing tree fails with one line saying to run scripts/setup: these tests never pass
without having run. A fuzz run first replays every regression input of the target
(tests/fuzz/regressions/<target>/), then fuzzes a copy of its seed corpus in a temporary
directory (the checkout stays clean); a crash input is kept under the build tree
(fuzz-artifacts/<target>/) and named in the output.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Abort at the first finding, with a usable report; LeakSanitizer's report ends the run too.
SANITIZER_ENV = {
    "ASAN_OPTIONS": "abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:"
                    "check_initialization_order=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}


def program(build_dir, relative):
    path = os.path.join(build_dir, relative)
    if not os.access(path, os.X_OK):
        print(f"sanitized: {path} is not built: run scripts/setup (it builds the sanitizer tree "
              f"{build_dir} with clang)", file=sys.stderr)
        sys.exit(1)
    return path


def env():
    out = dict(os.environ)
    for k, v in SANITIZER_ENV.items():
        out.setdefault(k, v)
    return out


def run_gtest(args):
    exe = program(args.build_dir, args.program)
    cmd = [exe, "--gtest_brief=1"]
    if args.exclude:
        cmd.append("--gtest_filter=-" + args.exclude)
    print("sanitized:", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env())


def target_files(source_dir, target):
    fuzz_dir = os.path.join(source_dir, "tests", "fuzz")
    corpus = os.path.join(fuzz_dir, "corpus", target)
    regressions = os.path.join(fuzz_dir, "regressions", target)
    dictionary = os.path.join(fuzz_dir, "dictionaries", target + ".dict")
    return corpus, regressions, dictionary if os.path.exists(dictionary) else None


def files_in(directory):
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if os.path.isfile(os.path.join(directory, f)) and not f.startswith("."))


def executions(output):
    """libFuzzer's own count: "Done N runs in S second(s)"."""
    found = re.findall(r"Done (\d+) runs in (\d+) second", output)
    return sum(int(n) for n, _ in found)


def run_fuzz(args):
    exe = program(args.build_dir, f"tests/fuzz/fuzz_{args.target}")
    corpus, regressions, dictionary = target_files(args.source_dir, args.target)
    seeds = files_in(corpus)
    if not seeds:
        print(f"sanitized: no seed corpus in {corpus}", file=sys.stderr)
        return 1
    artifacts = os.path.join(args.build_dir, "fuzz-artifacts", args.target)
    os.makedirs(artifacts, exist_ok=True)
    common = [f"-artifact_prefix={artifacts}/", "-timeout=20", "-rss_limit_mb=2048"]
    if dictionary:
        common.append(f"-dict={dictionary}")

    # Every input that once crashed runs once, by name: each must pass (the seeds run first
    # thing in the fuzzing below).
    replay = files_in(regressions)
    print(f"sanitized: fuzz.{args.target}: replaying {len(replay)} regression inputs", flush=True)
    if replay:
        result = subprocess.run([exe] + common + replay, env=env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace")
        if result.returncode != 0:
            print(result.stdout[-20000:])
            print(f"sanitized: fuzz.{args.target}: a regression input fails again (above)", file=sys.stderr)
            return 1

    with tempfile.TemporaryDirectory(prefix=f"ftbench-fuzz-{args.target}-") as tmp:
        work = os.path.join(tmp, "corpus")
        shutil.copytree(corpus, work)
        cmd = [exe] + common + [f"-max_total_time={args.seconds}", "-print_final_stats=1", work]
        print("sanitized:", " ".join(cmd), flush=True)
        result = subprocess.run(cmd, env=dict(env(), TMPDIR=tmp), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace")
    crashes = re.findall(r"Test unit written to (\S+)", result.stdout)
    print(f"sanitized: fuzz.{args.target}: {executions(result.stdout)} executions in {args.seconds} s, "
          f"{len(crashes)} crash inputs", flush=True)
    if result.returncode != 0 or crashes:
        print(result.stdout[-20000:])
        for c in crashes:
            print(f"sanitized: fuzz.{args.target}: crash input kept at {c}; reproduce with {exe} {c}",
                  file=sys.stderr)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    g = sub.add_parser("gtest")
    g.add_argument("--build-dir", required=True)
    g.add_argument("--program", required=True, help="relative to the build dir")
    g.add_argument("--exclude", default="", help="gtest patterns (':'-separated) that cannot run under ASan")
    f = sub.add_parser("fuzz")
    f.add_argument("--build-dir", required=True)
    f.add_argument("--source-dir", required=True)
    f.add_argument("--target", required=True)
    f.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    sys.exit(run_gtest(args) if args.mode == "gtest" else run_fuzz(args))


if __name__ == "__main__":
    main()
