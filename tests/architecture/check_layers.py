#!/usr/bin/env python3
"""The include-layering rule of the C++ code, as a test.

The orchestrator's folders are layers; a file may include only headers of its own layer and
of the layers listed as below it (docs/architecture.md draws the picture). Any other include
of a project header, upward or sideways, is an error, printed with file:line and the offending
line. A project folder that is not in LAYERS is an error too, so a new folder has to be placed.

    check_layers.py [--root REPO]      check the tree (exit 1 on a violation)
    check_layers.py --self-test        prove that an upward include is caught
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

# layer -> the layers it may include (its own is always allowed). Order: bottom to top.
LAYERS = {
    "util": [],
    "os": ["util"],
    "perf": ["util", "os"],
    "discovery": ["util", "os"],
    "harness": ["util", "os", "discovery"],
    "config": ["util", "os", "perf", "discovery"],
    "plan": ["util", "os", "perf", "discovery", "harness", "config"],
    "results": ["util", "os", "perf", "discovery", "harness", "config", "plan"],
    "run": ["util", "os", "perf", "discovery", "harness", "config", "plan", "results"],
    "analysis": ["util", "os", "perf", "discovery", "harness", "config", "plan", "results"],
    "report": ["util", "os", "perf", "discovery", "harness", "config", "plan", "results", "analysis"],
    "history": ["util", "os", "perf", "discovery", "harness", "config", "plan", "results", "analysis", "report"],
    "diagnose": ["util", "os", "perf", "discovery", "harness", "config", "plan", "results", "run", "analysis",
                 "report"],
    "commands": ["util", "os", "perf", "discovery", "harness", "config", "plan", "results", "run", "analysis",
                 "report", "history", "diagnose"],
    "cli": ["util", "commands"],
    "main": ["cli"],
}

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = (".h", ".hpp", ".cpp", ".cc")


def layer_of(relative):
    """The layer of a source file, given its path relative to the repository root."""
    parts = relative.split(os.sep)
    if parts[0] == "perf":
        return "perf"
    if parts[0] == "orchestrator":
        return "main" if len(parts) == 2 else parts[1]
    return None


def sources(root):
    for top in ("orchestrator", "perf"):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    path = os.path.join(folder, name)
                    yield path, os.path.relpath(path, root)


def check(root):
    problems = []
    for path, relative in sources(root):
        layer = layer_of(relative)
        if layer not in LAYERS:
            problems.append("{}: the folder '{}' is not a layer: add it to LAYERS in {} (and docs/architecture.md)"
                            .format(relative, layer, os.path.relpath(__file__, root)))
            continue
        allowed = set(LAYERS[layer]) | {layer}
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1).split("/")[0]
                if "/" not in m.group(1):
                    continue  # a sibling header ("foo.h"): same layer
                if target not in LAYERS:
                    continue  # not a project header (e.g. a generated or third-party path)
                if target not in allowed:
                    direction = "up" if list(LAYERS).index(target) > list(LAYERS).index(layer) else "sideways"
                    problems.append("{}:{}: {} may not include {} (points {}): {}".format(
                        relative, number, layer, target, direction, line.strip()))
    return problems


def self_test():
    """An upward include must fail the check; removing it must pass again."""
    with tempfile.TemporaryDirectory(prefix="ftbench-layers-") as tmp:
        os.makedirs(os.path.join(tmp, "orchestrator", "os"))
        os.makedirs(os.path.join(tmp, "orchestrator", "report"))
        os.makedirs(os.path.join(tmp, "perf"))
        bad = os.path.join(tmp, "orchestrator", "os", "files.cpp")
        with open(bad, "w") as f:
            f.write('#include "os/files.h"\n#include "util/error.h"\n#include "report/presenter.h"\n')
        with open(os.path.join(tmp, "perf", "counters.cpp"), "w") as f:
            f.write('#include "os/fd.h"\n#include "config/config.h"\n')
        with open(os.path.join(tmp, "orchestrator", "report", "x.cpp"), "w") as f:
            f.write('#include "analysis/cells.h"\n#include "run/executor.h"\n')
        problems = check(tmp)
        expected = ["orchestrator/os/files.cpp:3: os may not include report (points up)",
                    "perf/counters.cpp:2: perf may not include config (points up)",
                    "orchestrator/report/x.cpp:2: report may not include run (points sideways)"]
        for e in expected:
            if not any(p.startswith(e) for p in problems):
                print("self-test: not reported: " + e + "\ngot:\n  " + "\n  ".join(problems))
                return 1
        if len(problems) != len(expected):
            print("self-test: unexpected reports:\n  " + "\n  ".join(problems))
            return 1
        os.makedirs(os.path.join(tmp, "orchestrator", "newstage"))
        with open(os.path.join(tmp, "orchestrator", "newstage", "a.cpp"), "w") as f:
            f.write("\n")
        if not any("'newstage' is not a layer" in p for p in check(tmp)):
            print("self-test: an unplaced folder was not reported")
            return 1
        shutil.rmtree(os.path.join(tmp, "orchestrator", "newstage"))
        for path in (bad, os.path.join(tmp, "perf", "counters.cpp"), os.path.join(tmp, "orchestrator", "report", "x.cpp")):
            os.remove(path)
        if check(tmp):
            print("self-test: a clean tree was reported")
            return 1
    print("self-test: upward, sideways and unplaced includes are reported; a clean tree passes")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    problems = check(args.root)
    for p in problems:
        print(p)
    if problems:
        print("{} include(s) break the layering (docs/architecture.md)".format(len(problems)))
        return 1
    print("layering: every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
