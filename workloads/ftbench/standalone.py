"""Standalone mode: the harness plays the orchestrator's part itself.

Same session phases and the same message objects as channel mode (``--json`` prints them as
one document), so a standalone run measures exactly what an orchestrated run measures, minus
the counters.
"""

import json
import statistics
import sys

from . import interpreter, protocol
from .protocol import EXIT_ERROR, EXIT_OK
from .session import PhaseError


def run(open_session, stub, warmups, iterations, as_json, out=None, err=None):
    """Run ``warmups`` + ``iterations`` iterations, print the result; returns the exit status.

    The JSON document is ``{"hello", "iterations": [done...], "bye", "error"}`` (see
    README.md); ``bye`` or ``error`` is null."""
    out = out or sys.stdout
    err = err or sys.stderr
    document = {"hello": None, "iterations": [], "bye": None, "error": None}
    session = None
    try:
        session = open_session()
        document["hello"] = protocol.hello(session.info())
        if not as_json:
            _print_header(document["hello"], out)
        session.setup()
        for iteration in range(warmups + iterations):
            session.prepare(iteration)
            done = protocol.done(iteration, iteration < warmups, session.run(iteration))
            document["iterations"].append(done)
            if not as_json:
                _print_row(done, document["hello"]["interpreter"]["gil_enabled"], out)
        session.finish(check=True)
        document["bye"] = protocol.bye(checked=True)
        status = EXIT_OK
    except PhaseError as exc:
        if document["hello"] is None:
            document["hello"] = protocol.hello(stub)
        document["error"] = protocol.error(exc.phase, exc.message, exc.traceback)
        if session is not None:
            session.abandon()
        status = EXIT_ERROR
    if as_json:
        json.dump(document, out, indent=2, allow_nan=False)
        out.write("\n")
    elif document["error"] is None:
        _print_summary(document, out)
    if document["error"] is not None:
        error = document["error"]
        err.write("ftbench: {} failed: {}\n".format(error["phase"], error["message"]))
        if error["traceback"] and not as_json:
            err.write(error["traceback"])
    out.flush()
    return status


def _ms(ns):
    return "{:.3f}".format(ns / 1e6)


def _print_header(hello, out):
    w, py = hello["workload"], hello["interpreter"]
    size = "n/a" if w["size"] is None else (
        "{} = {}".format(w["size_preset"], w["size"]) if w["size_preset"] else str(w["size"]))
    lines = [
        "ftbench  {}  ({} workload, {} scaling{})".format(
            w["id"], w["kind"], w["scaling"], ", tags: " + ", ".join(w["tags"]) if w["tags"] else ""),
        "  threads {}, size {}, {} ops per iteration (op: {})".format(
            w["threads"], size, w["ops_per_iteration"], w["op_name"]),
    ]
    if w.get("pair"):
        lines.append("  pair {}: {} (other side: {})".format(w["pair"]["id"], w["pair"]["role"],
                                                        w["pair"]["other"]))
    if w["scaling"] == "latency":
        lines.append("  latency workload: read ns/op as the latency of one operation and ops/s "
                     "as throughput; there is no scaling efficiency")
    lines += [
        "  {}  {}".format(interpreter.describe(py), py["executable"]),
        "  {} | {} CPUs ({} usable) | {} | switch interval {:g} ms".format(
            py["compiler"], py["cpu_count"], py["process_cpu_count"], py["platform"],
            py["switch_interval_s"] * 1e3),
        "",
        "  {:>4}  {:<8} {:>11} {:>11} {:>10}  per thread: wall ms / cpu ms".format(
            "iter", "kind", "region ms", "ops/s", "ns/op"),
    ]
    out.write("\n".join(lines) + "\n")
    out.flush()


def _print_row(done, gil_at_start, out):
    per_thread = "  ".join("#{} {}/{}".format(t["index"], _ms(t["wall_ns"]), _ms(t["cpu_ns"]))
                           for t in done["threads"])
    out.write("  {:>4}  {:<8} {:>11} {:>11.3e} {:>10.2f}  {}{}\n".format(
        done["iteration"], "warm-up" if done["warmup"] else "measured", _ms(done["region_ns"]),
        done["ops"] * 1e9 / done["region_ns"], done["region_ns"] / done["ops"], per_thread,
        "" if done["gil_enabled"] == gil_at_start else "  (GIL state changed)"))
    out.flush()


def _print_summary(document, out):
    measured = [d for d in document["iterations"] if not d["warmup"]]
    regions = [d["region_ns"] for d in measured]
    ops = measured[0]["ops"] if measured else 0
    lines = [""]
    if regions:
        median = statistics.median(regions)
        lines += [
            "  measured iterations: {}".format(len(regions)),
            "  region ms   min {}  median {}  mean {}  max {}".format(
                _ms(min(regions)), _ms(median), _ms(statistics.mean(regions)), _ms(max(regions))),
            "  per op      median {:.2f} ns/op, {:.3e} ops/s".format(median / ops, ops * 1e9 / median),
        ]
    start = document["hello"]["interpreter"]["gil_enabled"]
    states = [d["gil_enabled"] for d in document["iterations"]] + [document["bye"]["gil_enabled"]]
    if all(s == start for s in states):
        lines.append("  GIL         {} throughout".format("enabled" if start else "disabled"))
    else:
        changed = next(i for i, s in enumerate(states) if s != start)
        lines.append("  GIL         {} at start, {} from iteration {} on (a module without "
                     "free-threading support was imported?)".format(
                         "enabled" if start else "disabled",
                         "enabled" if states[changed] else "disabled", changed))
    out.write("\n".join(lines) + "\n")
