"""Reference orchestrator side of the ftbench channel protocol, version 1.

An independent implementation of workloads/PROTOCOL.md (it deliberately imports nothing
from the harness it checks): it spawns ``python -m ftbench ... --channel-in R --channel-out
W`` with two pipes, speaks the protocol with timeouts, records the transcript, validates it,
and classifies the run:

    ok       the harness said bye and exited 0
    error    the harness sent an error message (``run.phase`` says where) and exited non-zero
    crash    the channel ended without bye or error (os._exit, a signal, a segfault)
    timeout  no message within the timeout (or no exit after the last one); the driver
             killed the harness's whole process group
    invalid  the transcript breaks the protocol (``run.problems`` says how)

    run = drive(["fixtures/counter.py", "--threads", "2", "--size", "quick"])
    assert run.outcome == "ok", run.report()

Command line (prints the transcript): ``python channel_driver.py [--python P] -- ARGS...``.
"""

import argparse
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORKLOADS_DIR = os.path.join(REPO, "workloads")
FIXTURES_DIR = os.path.join(HERE, "fixtures")

PROTOCOL_VERSION = 1
PHASES = ("import", "setup", "iteration", "teardown", "check", "protocol")
OK, ERROR, CRASH, TIMEOUT, INVALID = "ok", "error", "crash", "timeout", "invalid"
HARNESS, ORCHESTRATOR = "harness", "orchestrator"


def harness_env(extra=None):
    """The environment for a harness child: ours, with workloads/ first on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (WORKLOADS_DIR, env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


def _with_channel(args, fd_in, fd_out):
    """Insert the channel options before a ``--`` (run-script's ARGS), else append them."""
    args = list(args)
    split = args.index("--") if "--" in args else len(args)
    return args[:split] + ["--channel-in", str(fd_in), "--channel-out", str(fd_out)] + args[split:]


class Timeout(Exception):
    pass


class HarnessProcess:
    """One harness child and both ends of its channel, with a recorded transcript."""

    def __init__(self, args, python=None, env=None, cwd=None):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.argv = [python or sys.executable, "-m", "ftbench"] + _with_channel(
            args, to_child_r, from_child_w)
        self._stdout = tempfile.TemporaryFile()
        self._stderr = tempfile.TemporaryFile()
        self.started = time.monotonic()
        # A new session makes the child a process-group leader, so a kill reaches whatever
        # it started too.
        self.proc = subprocess.Popen(
            self.argv, pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
            stdout=self._stdout, stderr=self._stderr, env=env or harness_env(), cwd=cwd,
            start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)
        self._in, self._out = from_child_r, to_child_w
        self._buffer = b""
        self._eof = False
        self.transcript = []
        self.killed = False
        self.stdout = self.stderr = None

    def _record(self, sender, raw):
        try:
            message = json.loads(raw.decode("utf-8"))
        except ValueError:
            message = None
        entry = {"from": sender, "t": round(time.monotonic() - self.started, 6),
                 "message": message, "raw": raw.decode("utf-8", "replace")}
        self.transcript.append(entry)
        return entry

    def receive(self, timeout):
        """The next harness line as a transcript entry, None at EOF; raises Timeout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            if self._eof:
                if not self._buffer:
                    return None
                line, self._buffer = self._buffer, b""  # a last line without its newline
                return self._record(HARNESS, line)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout()
            readable, _, _ = select.select([self._in], [], [], remaining)
            if readable:
                chunk = os.read(self._in, 65536)
                if chunk:
                    self._buffer += chunk
                else:
                    self._eof = True
        line, _, self._buffer = self._buffer.partition(b"\n")
        return self._record(HARNESS, line)

    def send(self, message):
        """Send a message (dict) or raw bytes (for tests of garbage handling)."""
        data = message if isinstance(message, bytes) else (
            json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        self._record(ORCHESTRATOR, data.rstrip(b"\n"))
        try:
            os.write(self._out, data)
            return True
        except BrokenPipeError:
            return False

    def close_channel(self):
        if self._out is not None:
            os.close(self._out)
            self._out = None

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill_group(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def finish(self):
        """Reap the child, kill leftovers of its group, collect its output."""
        if self.proc.poll() is None:
            self.kill_group()
            self.killed = True
        self.proc.wait()
        self.kill_group()  # grandchildren it left behind
        self.close_channel()
        os.close(self._in)
        for name in ("_stdout", "_stderr"):
            stream = getattr(self, name)
            stream.seek(0)
            setattr(self, name[1:], stream.read().decode("utf-8", "replace"))
            stream.close()
        return self.proc.returncode


class Run:
    """What one drive() produced."""

    def __init__(self, argv, transcript, returncode, stdout, stderr, outcome, problems, elapsed):
        self.argv, self.transcript, self.returncode = argv, transcript, returncode
        self.stdout, self.stderr = stdout, stderr
        self.outcome, self.problems, self.elapsed = outcome, problems, elapsed
        harness = [e["message"] for e in transcript if e["from"] == HARNESS]
        self.messages = [m for m in harness if isinstance(m, dict)]
        self.last = self.messages[-1] if self.messages else None
        self.phase = self.last.get("phase") if self.last and self.last.get("type") == "error" else None
        self.hello = self.messages[0] if self.messages and self.messages[0].get("type") == "hello" else None
        self.dones = [m for m in self.messages if m.get("type") == "done"]

    def report(self):
        """Everything needed to debug a failed assertion."""
        lines = ["argv: " + " ".join(self.argv),
                 "outcome: {} (phase {}), exit status {}, {:.2f} s".format(
                     self.outcome, self.phase, self.returncode, self.elapsed)]
        lines += ["problem: " + p for p in self.problems]
        lines += ["{:>9.3f} {} {}".format(e["t"], "<" if e["from"] == HARNESS else ">", e["raw"][:400])
                  for e in self.transcript]
        lines += ["stderr: " + self.stderr[-3000:], "stdout (tail): " + self.stdout[-1000:]]
        return "\n".join(lines)


def drive(args, python=None, warmups=2, iterations=2, timeout=60.0, stop="done", env=None,
          cwd=None, startup_timeout=None, on_watch=None):
    """Run the harness with ``args`` through a whole conversation and classify it.

    ``warmups`` warm-up-flagged iterations, then ``iterations`` measured ones. ``stop``:
    "done" sends stop in place of the last ack (the normal end), "ready" acks the last done
    and stops at the next ready (check() is then skipped), "hello" stops right after hello.
    ``timeout`` bounds each wait for a message and the wait for the exit. ``startup_timeout``
    (default: ``timeout``) bounds instead the waits up to the first ready: interpreter start,
    import and setup, which a loaded machine can stretch to seconds, so that a short
    ``timeout`` aimed at a hang in an iteration does not fire before the iteration.
    ``on_watch(message)`` (diagnose mode) returns the answer to a mid-region ``watch``
    (default: ``armed`` for its iteration, as an orchestrator that armed at once)."""
    plan = [True] * warmups + [False] * iterations
    harness = HarnessProcess(args, python, env, cwd)
    timed_out = False
    try:
        end = _converse(harness, plan, timeout, stop,
                        timeout if startup_timeout is None else startup_timeout, on_watch)
        if end in ("garbage", "unexpected"):
            harness.kill_group()  # it may be waiting for an answer that will not come
        elif harness.wait(timeout) is None:
            timed_out = True  # said its last word but does not exit
    except Timeout:
        timed_out = True
    returncode = harness.finish()
    problems = validate_transcript(harness.transcript, None if timed_out else returncode)
    last = next((e["message"] for e in reversed(harness.transcript)
                 if e["from"] == HARNESS and isinstance(e["message"], dict)), None)
    last_type = last.get("type") if last else None
    if problems:
        outcome = INVALID
    elif timed_out:
        outcome = TIMEOUT
    elif last_type == "error":
        outcome = ERROR
    elif last_type == "bye":
        outcome = OK
    else:
        outcome = CRASH
    return Run(harness.argv, harness.transcript, returncode, harness.stdout, harness.stderr,
               outcome, problems, time.monotonic() - harness.started)


def _converse(harness, plan, timeout, stop, startup_timeout, on_watch=None):
    """React to each harness message as an orchestrator would; returns why it ended."""
    iteration = 0
    started = False  # a ready has arrived: startup_timeout no longer applies
    while True:
        entry = harness.receive(timeout if started else startup_timeout)
        if entry is None:
            return "eof"
        message = entry["message"]
        if not isinstance(message, dict):
            return "garbage"
        kind = message.get("type")
        if kind == "hello":
            workload = message.get("workload")
            if isinstance(workload, dict) and workload.get("ops_per_iteration") is None:
                continue  # the workload did not load: an import error follows at once
            harness.send({"type": "stop"} if stop == "hello" else {"type": "start"})
        elif kind == "ready":
            started = True
            if iteration < len(plan):
                harness.send({"type": "go", "iteration": iteration, "warmup": plan[iteration]})
            else:
                harness.send({"type": "stop"})
        elif kind == "done":
            iteration += 1
            if iteration == len(plan) and stop == "done":
                harness.send({"type": "stop"})
            else:
                harness.send({"type": "ack", "iteration": iteration - 1})
        elif kind == "watch":
            harness.send(on_watch(message) if on_watch is not None else
                         {"type": "armed", "iteration": message.get("iteration")})
        elif kind in ("bye", "error"):
            return kind
        else:
            return "unexpected"


# --- validation -----------------------------------------------------------------------------

def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _field_problems(obj, spec, where):
    """spec: {name: (predicate, description)}; returns problems for missing/ill-typed fields."""
    if not isinstance(obj, dict):
        return ["{} is not an object".format(where)]
    problems = []
    for name, (ok, what) in spec.items():
        if name not in obj:
            problems.append("{} lacks '{}'".format(where, name))
        elif not ok(obj[name]):
            problems.append("{}.{} must be {}, got {!r}".format(where, name, what, obj[name]))
    return problems


def _str(v):
    return isinstance(v, str)


def _bool(v):
    return isinstance(v, bool)


def _nonneg(v):
    return _is_int(v) and v >= 0


def _positive(v):
    return _is_int(v) and v > 0


def _nullable(predicate):
    return lambda v: v is None or predicate(v)


INTERPRETER_FIELDS = {
    "implementation": (_str, "a string"),
    "version": (_str, "a string"),
    "version_info": (lambda v: isinstance(v, list) and len(v) == 5, "a 5-element list"),
    "executable": (_str, "a string"),
    "free_threaded_build": (_bool, "a boolean"),
    "gil_enabled": (_bool, "a boolean"),
    "configure_args": (_str, "a string"),
    "compiler": (_str, "a string"),
    "cpu_count": (_nullable(_positive), "a positive int or null"),
    "platform": (_str, "a string"),
}
# Fields that are null only in the hello that precedes an import error.
WORKLOAD_FIELDS = {
    "id": (_str, "a string"),
    "kind": (lambda v: v in ("suite", "script"), "'suite' or 'script'"),
    "threads": (_positive, "a positive int"),
    "scaling": (_nullable(lambda v: v in ("strong", "weak", "latency")),
                "'strong', 'weak', 'latency' or null"),
    "tags": (_nullable(lambda v: isinstance(v, list) and all(map(_str, v))), "a list of strings or null"),
    "op_name": (_nullable(_str), "a string or null"),
    "size": (_nullable(_positive), "a positive int or null"),
    "size_preset": (_nullable(_str), "a string or null"),
    "ops_per_iteration": (_nullable(_positive), "a positive int or null"),
}
HELLO_FIELDS = {
    "protocol": (lambda v: v == PROTOCOL_VERSION, "protocol version {}".format(PROTOCOL_VERSION)),
    "pid": (_positive, "a positive int"),
    "interpreter": (lambda v: isinstance(v, dict), "an object"),
    "workload": (lambda v: isinstance(v, dict), "an object"),
}
DONE_FIELDS = {
    "iteration": (_nonneg, "a non-negative int"),
    "warmup": (_bool, "a boolean"),
    "region_ns": (_positive, "a positive int"),
    "threads": (lambda v: isinstance(v, list), "a list"),
    "ops": (_positive, "a positive int"),
    "gil_enabled": (_bool, "a boolean"),
}
THREAD_FIELDS = {
    "index": (_nonneg, "a non-negative int"),
    "wall_ns": (_positive, "a positive int"),
    "cpu_ns": (_nonneg, "a non-negative int"),
}
ERROR_FIELDS = {
    "phase": (lambda v: v in PHASES, "one of " + ", ".join(PHASES)),
    "message": (_str, "a string"),
    "traceback": (_nullable(_str), "a string or null"),
}


PAIR_EXPECTED_VALUES = {"build": ("free_threaded", "gil", "any"), "threads": ("1", ">=2", "any"),
                        "ratio": ("higher", "lower", "equal")}
_PYTHON_SPEC = re.compile(r"^(any|(<=|>=|<|>|==)\d+\.\d+(,(<=|>=|<|>|==)\d+\.\d+)*)$")


def pair_problems(pair, where="pair"):
    """How an optional ``pair`` field (hello.workload, list --json) breaks PROTOCOL.md section 6;
    empty when it is absent, null or well formed."""
    if pair is None:
        return []
    if not isinstance(pair, dict):
        return ["{}: must be an object or null".format(where)]
    problems = []
    for key in ("id", "other"):
        if not _str(pair.get(key)) or not pair.get(key):
            problems.append("{}.{}: must be a non-empty string".format(where, key))
    if pair.get("role") not in ("subject", "reference"):
        problems.append("{}.role: must be 'subject' or 'reference'".format(where))
    expected = pair.get("expected")
    if not isinstance(expected, list) or not expected:
        return problems + ["{}.expected: must be a non-empty list".format(where)]
    for n, entry in enumerate(expected):
        if not isinstance(entry, dict):
            problems.append("{}.expected[{}]: must be an object".format(where, n))
            continue
        for key, values in PAIR_EXPECTED_VALUES.items():
            if entry.get(key) not in values:
                problems.append("{}.expected[{}].{}: must be one of {}".format(where, n, key, ", ".join(values)))
        python = entry.get("python", "any")
        if not _str(python) or not _PYTHON_SPEC.match(python):
            problems.append("{}.expected[{}].python: must be 'any' or a version spec".format(where, n))
    return problems


def validate_transcript(transcript, returncode=None):
    """Every way ``transcript`` (a list of entries as HarnessProcess records them) breaks
    protocol version 1; empty when it conforms. An unfinished transcript (a crash, a kill)
    is not itself a problem. ``returncode``, when known, is checked against the ending."""
    problems = []
    expect = "hello"        # what the harness may send next, besides error
    hello = None
    iteration = 0           # the iteration the next ready/go/done/ack must carry
    warmup = None           # the warmup flag of the pending go
    started = False
    checked_expected = None
    ended = None
    last_harness = previous_harness = None
    last_ready = None
    for number, entry in enumerate(transcript):
        where = "#{} ({})".format(number, entry["from"])
        message = entry["message"]
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            problems.append("{}: not a JSON object with a 'type': {!r}".format(where, entry["raw"][:200]))
            continue
        kind = message["type"]
        if entry["from"] == ORCHESTRATOR:  # validated too: the driver itself can be wrong
            allowed = {"wait_start": ("start", "stop"), "wait_go": ("go", "stop"),
                       "wait_ack": ("ack", "stop"), "wait_armed": ("armed",)}.get(expect, ())
            if kind not in allowed:
                problems.append("{}: orchestrator sent {!r} while the harness {}".format(
                    where, kind, "expected " + "/".join(allowed) if allowed else "had the turn"))
            elif kind == "start":
                started, expect = True, "ready"
            elif kind == "go":
                if message.get("iteration") != iteration or not _bool(message.get("warmup")):
                    problems.append("{}: go must carry iteration {} and a boolean warmup".format(where, iteration))
                warmup, expect = message.get("warmup"), "done"
            elif kind == "ack":
                if message.get("iteration") != iteration:
                    problems.append("{}: ack must carry iteration {}".format(where, iteration))
                iteration, expect = iteration + 1, "ready"
            elif kind == "armed":
                if message.get("iteration") != iteration:
                    problems.append("{}: armed must carry iteration {}".format(where, iteration))
                expect = "done"
            elif kind == "stop":
                checked_expected = expect == "wait_ack"
                expect = "bye"
            continue
        if ended:
            problems.append("{}: {!r} after {}".format(where, kind, ended))
            continue
        previous_harness, last_harness = last_harness, kind
        if kind == "error":
            problems += _field_problems(message, ERROR_FIELDS, where + " error")
            phase = message.get("phase")
            if phase == "import" and previous_harness != "hello":
                problems.append("{}: an import error must directly follow hello".format(where))
            if phase not in ("import", "protocol") and not started and phase in PHASES:
                problems.append("{}: a {} error before start".format(where, phase))
            ended = "error"
            continue
        if kind == "watch" and expect == "done":  # diagnose mode: a rendezvous inside the region
            problems += _watch_problems(message, where, iteration)
            expect = "wait_armed"
            continue
        if kind != expect:
            problems.append("{}: harness sent {!r}, expected {}".format(
                where, kind, "nothing (orchestrator's turn)" if expect.startswith("wait") else repr(expect)))
            continue  # an out-of-order message does not move the state
        if kind == "hello":
            problems += _field_problems(message, HELLO_FIELDS, where + " hello")
            hello = message
            interp = message.get("interpreter")
            problems += _field_problems(interp, INTERPRETER_FIELDS, where + " hello.interpreter")
            problems += _field_problems(message.get("workload"), WORKLOAD_FIELDS, where + " hello.workload")
            if isinstance(message.get("workload"), dict):
                problems += pair_problems(message["workload"].get("pair"), where + " hello.workload.pair")
            if isinstance(interp, dict) and interp.get("free_threaded_build") is False \
                    and interp.get("gil_enabled") is False:
                problems.append("{}: a GIL build cannot report the GIL disabled".format(where))
            expect = "wait_start"
        elif kind == "ready":
            if message.get("iteration") != iteration:
                problems.append("{}: ready carries iteration {!r}, expected {}".format(
                    where, message.get("iteration"), iteration))
            problems += _diagnose_ready_problems(message, where, hello)
            last_ready = message
            expect = "wait_go"
        elif kind == "done":
            problems += _done_problems(message, where, iteration, warmup, hello, last_ready)
            expect = "wait_ack"
        elif kind == "bye":
            problems += _field_problems(message, {"gil_enabled": (_bool, "a boolean"),
                                                  "checked": (_bool, "a boolean")}, where + " bye")
            if message.get("checked") is not None and message.get("checked") != checked_expected:
                problems.append("{}: bye.checked is {}, expected {} (check() runs only after a "
                                "stop that answers done)".format(where, message.get("checked"),
                                                                 checked_expected))
            ended = "bye"
    problems += _incomplete_hello_problems(transcript, hello)
    if returncode is not None:
        if ended == "bye" and returncode != 0:
            problems.append("exit status {} after bye (must be 0)".format(returncode))
        if ended == "error" and returncode == 0:
            problems.append("exit status 0 after an error (must be non-zero)")
    return problems


# --- diagnose mode (PROTOCOL.md, "Diagnose mode") --------------------------------------------

MAX_CANDIDATES, MAX_OFFSETS = 256, 512
CANDIDATE_FIELDS = {
    "key": (lambda v: _str(v) and bool(v), "a non-empty string"),
    "origin": (lambda v: v in ("named", "auto"), "'named' or 'auto'"),
    "kind": (lambda v: v in ("buffer", "object"), "'buffer' or 'object'"),
    "type": (_str, "a string"),
    "address": (_nullable(_positive), "a positive int or null"),
    "size": (_nonneg, "a non-negative int"),
}
WRITTEN_FIELDS = {
    "key": (_str, "a string"),
    "offsets": (lambda v: isinstance(v, list) and all(map(_is_int, v)) and len(v) <= MAX_OFFSETS,
                "a list of at most {} ints".format(MAX_OFFSETS)),
    "truncated": (_bool, "a boolean"),
}


def candidate_problems(candidates, where):
    """How a ``candidates`` list breaks the candidate shape (PROTOCOL.md, "Diagnose mode")."""
    if not isinstance(candidates, list):
        return ["{}: candidates must be a list".format(where)]
    problems = []
    if len(candidates) > MAX_CANDIDATES:
        problems.append("{}: {} candidates, at most {}".format(where, len(candidates), MAX_CANDIDATES))
    keys = set()
    for n, candidate in enumerate(candidates):
        at = "{} candidates[{}]".format(where, n)
        found = _field_problems(candidate, CANDIDATE_FIELDS, at)
        problems += found
        if found:
            continue
        if candidate["key"] in keys:
            problems.append("{}: duplicate key {!r}".format(at, candidate["key"]))
        keys.add(candidate["key"])
        if candidate["address"] is None and not _str(candidate.get("note")):
            problems.append("{}: a null address needs a note".format(at))
        if candidate["kind"] == "buffer":
            if not _positive(candidate.get("itemsize")):
                problems.append("{}: a buffer needs a positive itemsize".format(at))
        else:
            if not _bool(candidate.get("immortal")):
                problems.append("{}: an object needs a boolean immortal".format(at))
            fields = candidate.get("fields")
            if not isinstance(fields, list) or not fields or not all(
                    isinstance(f, dict) and _str(f.get("name")) and _nonneg(f.get("offset"))
                    and _positive(f.get("size")) for f in fields):
                problems.append("{}: an object needs its header fields".format(at))
    return problems


def _diagnose_ready_problems(message, where, hello):
    present = [k for k in ("tids", "candidates", "truncated") if k in message]
    if not present:
        return []  # not a diagnose run
    if len(present) != 3:
        return ["{}: a diagnose ready needs tids, candidates and truncated".format(where)]
    threads = ((hello or {}).get("workload") or {}).get("threads")
    tids = message["tids"]
    problems = candidate_problems(message["candidates"], where + " ready")
    if not isinstance(tids, list) or not all(map(_positive, tids)) or len(tids) != threads:
        problems.append("{}: ready.tids must be {} thread ids".format(where, threads))
    if not _bool(message["truncated"]):
        problems.append("{}: ready.truncated must be a boolean".format(where))
    return problems


def _watch_problems(message, where, iteration):
    problems = _field_problems(message, {"iteration": (_nonneg, "a non-negative int"),
                                         "tid": (_positive, "a positive int"),
                                         "truncated": (_bool, "a boolean")}, where + " watch")
    if message.get("iteration") != iteration:
        problems.append("{}: watch carries iteration {!r}, expected {}".format(
            where, message.get("iteration"), iteration))
    return problems + candidate_problems(message.get("candidates"), where + " watch")


def _diagnose_done_problems(message, where, ready):
    present = [k for k in ("written", "candidates") if k in message]
    diagnosed = ready is not None and "tids" in ready
    if not present and not diagnosed:
        return []
    if len(present) != 2 or not diagnosed:
        return ["{}: done has {} but its ready {} a diagnose ready".format(
            where, present or "no diagnose fields", "was" if diagnosed else "was not")]
    problems = candidate_problems(message["candidates"], where + " done")
    if not isinstance(message["written"], list):
        return problems + ["{}: done.written must be a list".format(where)]
    for n, entry in enumerate(message["written"]):
        problems += _field_problems(entry, WRITTEN_FIELDS, "{} done.written[{}]".format(where, n))
    return problems


def _done_problems(message, where, iteration, warmup, hello, ready=None):
    problems = _field_problems(message, DONE_FIELDS, where + " done")
    if problems:
        return problems
    problems += _diagnose_done_problems(message, where, ready)
    workload = (hello or {}).get("workload") or {}
    interp = (hello or {}).get("interpreter") or {}
    if message["iteration"] != iteration:
        problems.append("{}: done carries iteration {}, expected {}".format(where, message["iteration"], iteration))
    if message["warmup"] != warmup:
        problems.append("{}: done.warmup {} does not echo go's {}".format(where, message["warmup"], warmup))
    if message["ops"] != workload.get("ops_per_iteration"):
        problems.append("{}: done.ops {} != hello's ops_per_iteration {}".format(
            where, message["ops"], workload.get("ops_per_iteration")))
    threads = message["threads"]
    if len(threads) != workload.get("threads"):
        problems.append("{}: {} thread entries for {} threads".format(where, len(threads), workload.get("threads")))
    for position, entry in enumerate(threads):
        thread_problems = _field_problems(entry, THREAD_FIELDS, "{} done.threads[{}]".format(where, position))
        problems += thread_problems
        if thread_problems:
            continue
        if entry["index"] != position:
            problems.append("{}: done.threads[{}] has index {}".format(where, position, entry["index"]))
        if entry["wall_ns"] > message["region_ns"]:
            problems.append("{}: thread {} wall_ns {} exceeds region_ns {} (the region ends with "
                            "the last thread)".format(where, position, entry["wall_ns"], message["region_ns"]))
    if interp.get("free_threaded_build") is False and message["gil_enabled"] is False:
        problems.append("{}: a GIL build cannot run with the GIL disabled".format(where))
    return problems


def _incomplete_hello_problems(transcript, hello):
    """Null workload fields are only allowed in a hello followed directly by an import error."""
    if hello is None:
        return []
    workload = hello.get("workload")
    if not isinstance(workload, dict):
        return []
    nulls = [k for k in ("scaling", "op_name", "ops_per_iteration", "tags") if workload.get(k) is None]
    if workload.get("kind") == "suite" and workload.get("size") is None:
        nulls.append("size")
    if not nulls:
        return []
    harness = [e["message"] for e in transcript if e["from"] == HARNESS and isinstance(e["message"], dict)]
    follows = harness[1] if len(harness) > 1 else None
    if follows is not None and not (follows.get("type") == "error" and follows.get("phase") == "import"):
        return ["hello.workload has null {} but the run went on".format(", ".join(nulls))]
    return []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     usage="%(prog)s [options] -- HARNESS-ARGS...")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--stop", choices=("done", "ready", "hello"), default="done")
    parser.add_argument("harness_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    harness_args = args.harness_args[1:] if args.harness_args[:1] == ["--"] else args.harness_args
    run = drive(harness_args, args.python, args.warmups, args.iterations, args.timeout, args.stop)
    print(run.report())
    return 0 if run.outcome in (OK,) else 1


if __name__ == "__main__":
    sys.exit(main())
