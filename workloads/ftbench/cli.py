"""Command line of ``python -m ftbench`` (reference: workloads/README.md, PROTOCOL.md)."""

import argparse
import json
import os
import sys
import threading

from . import channel, standalone, suite
from .protocol import EXIT_ERROR, EXIT_OK, EXIT_USAGE, PROTOCOL_VERSION
from .runner import exit_now
from .script import ScriptSpec
from .session import Session, phase

PROG = "python -m ftbench"
OVERVIEW = """\
  {0} WORKLOAD [options]                    run a suite workload (id) or a workload file (*.py)
  {0} run-script PATH [options] [-- ARGS]   run a plain script as the timed region
  {0} list [--json] [--suite-dir DIR]       list the suite's workloads""".format(PROG)


def _defaults():
    """Repetition defaults: their one source is defaults.json beside this file (orchestrate is
    built with the same file)."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "defaults.json")) as f:
        return json.load(f)


_DEFAULTS = _defaults()
DEFAULT_WARMUPS = _DEFAULTS["warmups"]
DEFAULT_ITERATIONS = _DEFAULTS["iterations"]


def _int_at_least(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError("{!r} is not an integer".format(text))
        if value < minimum:
            raise argparse.ArgumentTypeError("must be at least {}, got {}".format(minimum, value))
        return value
    return parse


def _run_parser(prog, with_workload):
    parser = argparse.ArgumentParser(
        prog=prog, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run one workload under the ftbench harness: threads are created and "
                    "parked before the timed region and released together.\n\n" + OVERVIEW)
    if with_workload:
        parser.add_argument("workload", metavar="WORKLOAD",
                            help="suite id (memory/ordering/false_sharing_padded) or a path to "
                                 "a .py file defining WORKLOAD")
        parser.add_argument("--size", default="default",
                            help="a size preset of the workload (default, quick, ...) or a "
                                 "positive integer (default: default)")
        parser.add_argument("--suite-dir", default=suite.default_suite_dir(), metavar="DIR",
                            help="where suite ids are resolved (default: %(default)s)")
    else:
        parser.add_argument("script", metavar="PATH", help="a Python script")
    parser.add_argument("--threads", type=_int_at_least(1), default=1,
                        help="worker threads running the body concurrently (default: 1)")
    parser.add_argument("--warmups", type=_int_at_least(0), metavar="W",
                        help="standalone: warm-up iterations (default: {})".format(DEFAULT_WARMUPS))
    parser.add_argument("--iterations", type=_int_at_least(1), metavar="I",
                        help="standalone: measured iterations (default: {})".format(DEFAULT_ITERATIONS))
    parser.add_argument("--json", action="store_true",
                        help="standalone: print the run as one JSON document")
    group = parser.add_argument_group(
        "channel mode", "driven by the orchestrator over two inherited pipe fds (PROTOCOL.md); "
                        "iteration counts are then the orchestrator's decision")
    group.add_argument("--channel-in", type=_int_at_least(0), metavar="FD")
    group.add_argument("--channel-out", type=_int_at_least(0), metavar="FD")
    group.add_argument("--diagnose", action="store_true",
                       help="channel mode only: report watch candidates, worker thread ids and "
                            "written buffer words for `orchestrate diagnose` (PROTOCOL.md)")
    return parser


def _check_channel_args(parser, args):
    if (args.channel_in is None) != (args.channel_out is None):
        parser.error("--channel-in and --channel-out go together")
    if args.channel_in is None:
        if args.diagnose:
            parser.error("--diagnose needs channel mode (--channel-in and --channel-out)")
        return False
    for option in ("warmups", "iterations", "json"):
        if getattr(args, option):
            parser.error("--{} is for standalone runs; in channel mode the orchestrator "
                         "decides".format(option))
    if args.channel_out <= 2:
        parser.error("--channel-out must not be 0, 1 or 2: stdout and stderr belong to the workload")
    if args.channel_in == args.channel_out:
        parser.error("--channel-in and --channel-out must be different fds")
    return True


def _stub(workload_id, kind, threads):
    """The ``workload`` object of hello when the workload could not be loaded."""
    return {"id": workload_id, "kind": kind, "path": None, "scaling": None, "pair": None,
            "tags": None, "op_name": None, "threads": threads, "size": None, "size_preset": None,
            "ops_per_iteration": None}


def _execute(parser, args, open_session, stub):
    if _check_channel_args(parser, args):
        try:
            pipe = channel.Channel(args.channel_in, args.channel_out)
        except OSError as exc:
            sys.stderr.write("{}: channel fds unusable: {}\n".format(PROG, exc))
            return EXIT_USAGE
        status = channel.serve(pipe, open_session, stub)
    else:
        status = standalone.run(
            open_session, stub,
            DEFAULT_WARMUPS if args.warmups is None else args.warmups,
            DEFAULT_ITERATIONS if args.iterations is None else args.iterations,
            args.json)
    if any(t.name.startswith("ftbench-worker-") and t.is_alive() for t in threading.enumerate()):
        exit_now(status)  # a worker is stuck in workload code: do not wait for it
    return status


def _run_workload(argv):
    parser = _run_parser(PROG, with_workload=True)
    args = parser.parse_args(argv)
    is_file = args.workload.endswith(".py")

    def open_session():
        with phase("import"):
            spec = suite.resolve(args.workload, args.suite_dir)
        return Session(spec, args.threads, args.size, diagnose=args.diagnose)

    stub = _stub(os.path.abspath(args.workload) if is_file else args.workload, "suite", args.threads)
    return _execute(parser, args, open_session, stub)


def _run_script(argv):
    # Everything after the first "--" belongs to the script, untouched by argparse.
    if "--" in argv:
        split = argv.index("--")
        argv, script_args = argv[:split], argv[split + 1:]
    else:
        script_args = []
    parser = _run_parser(PROG + " run-script", with_workload=False)
    args = parser.parse_args(argv)

    def open_session():
        with phase("import"):
            spec = ScriptSpec(args.script, script_args)
        return Session(spec, args.threads, None, diagnose=args.diagnose)

    stub = _stub(os.path.abspath(args.script), "script", args.threads)
    return _execute(parser, args, open_session, stub)


def _list(argv):
    parser = argparse.ArgumentParser(prog=PROG + " list",
                                     description="List the suite's workloads.")
    parser.add_argument("--json", action="store_true",
                        help="machine-readable (shape in PROTOCOL.md); exit status 1 if any "
                             "workload failed to load")
    parser.add_argument("--suite-dir", default=suite.default_suite_dir(), metavar="DIR")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.suite_dir):
        parser.error("suite folder {} does not exist".format(args.suite_dir))
    # Importing a workload module may print (a module-level print, a noisy import): keep that
    # off stdout, which carries the listing the orchestrator parses.
    sys.stdout.flush()
    saved_stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        specs, errors = suite.load_all(args.suite_dir)
    finally:
        sys.stdout.flush()
        os.dup2(saved_stdout, 1)
        os.close(saved_stdout)
    if args.json:
        json.dump({"protocol": PROTOCOL_VERSION, "suite_dir": os.path.abspath(args.suite_dir),
                   "workloads": [spec.describe() for spec in specs], "errors": errors},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        width = max([len(spec.id) for spec in specs] + [10])
        for spec in specs:
            print("{:<{}}  {:<6}  {}".format(spec.id, width, spec.scaling, ", ".join(spec.tags)))
            if spec.summary:
                print("{:<{}}  {}".format("", width, spec.summary))
        for error in errors:
            sys.stderr.write("ftbench list: {}: {}\n".format(error["id"], error["message"]))
    return EXIT_ERROR if errors else EXIT_OK


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["list"]:
        return _list(argv[1:])
    if argv[:1] == ["run-script"]:
        return _run_script(argv[1:])
    return _run_workload(argv)

