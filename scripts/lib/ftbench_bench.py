"""Helpers the benchmark scripts share: run orchestrate on a generated config, read a run's
analysis.json and results.json, and a Mann-Whitney test for the pooled-iteration baseline.
Stdlib only."""

import glob
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ORCHESTRATE = os.path.join(ROOT, "build", "orchestrator", "orchestrate")


def yaml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def run_config(text, out_root, extra_args=(), quiet=True):
    """Runs orchestrate on config `text`; returns the run directory."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        cmd = [ORCHESTRATE, "--config", path, "--output", out_root, *extra_args]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode not in (0, 1):
            sys.exit("%s failed (%d):\n%s" % (" ".join(cmd), proc.returncode, proc.stderr[-3000:]))
        if not quiet:
            print(proc.stdout)
    finally:
        os.unlink(path)
    return max(glob.glob(os.path.join(out_root, "*", "analysis.json")), key=os.path.getmtime).rsplit("/", 1)[0]


def load(run_dir, name):
    with open(os.path.join(run_dir, name)) as f:
        return json.load(f)


def process_seconds(run_dir):
    """Machine time the run's interpreter processes took (start-up included)."""
    return sum(r["duration_s"] for r in load(run_dir, "results.json")["runs"])


def mann_whitney_p(a, b):
    """Two-sided Mann-Whitney p, normal approximation with tie and continuity correction
    (what orchestrate uses beyond 50 values a side)."""
    m, n = len(a), len(b)
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    rank_sum_a, ties, i = 0.0, 0.0, 0
    while i < len(pooled):
        j = i
        while j < len(pooled) and pooled[j][0] == pooled[i][0]:
            j += 1
        mid = (i + 1 + j) / 2.0
        rank_sum_a += mid * sum(1 for k in range(i, j) if pooled[k][1] == 0)
        t = j - i
        ties += t ** 3 - t
        i = j
    u = rank_sum_a - m * (m + 1) / 2.0
    big = m + n
    var = m * n / 12.0 * ((big + 1) - ties / (big * (big - 1)))
    if var <= 0:
        return 1.0
    z = max(0.0, abs(u - m * n / 2.0) - 0.5) / math.sqrt(var)
    return min(1.0, math.erfc(z / math.sqrt(2)))


def quantile(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    h = p * (len(s) - 1)
    lo = int(math.floor(h))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])
