"""Messages of the orchestrator channel, protocol version 1 (specified in workloads/PROTOCOL.md).

Builders for what the harness sends and a checker for what it receives. Kept free of I/O
so the standalone runner can emit the very same objects in ``--json`` output.
"""

import os

from . import interpreter

PROTOCOL_VERSION = 1

PHASES = ("import", "setup", "iteration", "teardown", "check", "protocol")

# Process exit statuses (documented in PROTOCOL.md).
EXIT_OK = 0
EXIT_ERROR = 1      # an ``error`` message was sent (or printed, standalone)
EXIT_USAGE = 2      # bad command line or unusable channel fds; reason on stderr
EXIT_ORPHANED = 3   # the orchestrator went away (EOF or broken pipe); nothing printed


class ProtocolError(Exception):
    """The orchestrator sent something that is not a valid message here."""


def hello(workload):
    return {
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "pid": os.getpid(),
        "os_threads": interpreter.os_thread_count(),
        "interpreter": interpreter.facts(),
        "workload": workload,
    }


def ready(iteration, diagnose=None):
    """``diagnose``: the fields diagnose mode adds (:func:`diagnose_ready`), else None."""
    message = {"type": "ready", "iteration": iteration}
    if diagnose is not None:
        message.update(diagnose)
    return message


def done(iteration, warmup, result):
    message = {"type": "done", "iteration": iteration, "warmup": warmup}
    message.update(result)
    return message


# Diagnose mode (PROTOCOL.md, "Diagnose mode"): only ever sent by a process run with --diagnose.

def diagnose_ready(tids, candidates, truncated):
    """What ``ready`` gains: the workers' native thread ids by index, every candidate
    registered so far, and whether that list was cut."""
    return {"tids": list(tids), "candidates": list(candidates), "truncated": bool(truncated)}


def diagnose_done(written_entries, candidates, truncated):
    """What ``done`` gains: the written words of each buffer candidate, and the candidates
    registered during the region."""
    return {"written": list(written_entries), "candidates": list(candidates),
            "truncated": bool(truncated)}


def written(key, offsets, truncated, note=None):
    """One ``done.written`` entry; ``note`` says why a buffer could not be diffed."""
    entry = {"key": key, "offsets": list(offsets), "truncated": bool(truncated)}
    if note is not None:
        entry["note"] = note
    return entry


def watch(iteration, tid, candidates, truncated=False):
    """The mid-region rendezvous: new candidates, from the thread ``tid`` that registered
    them; the orchestrator answers ``armed`` for the same iteration."""
    return {"type": "watch", "iteration": iteration, "tid": tid, "candidates": list(candidates),
            "truncated": bool(truncated)}


def bye(checked):
    return {"type": "bye", "gil_enabled": interpreter.gil_enabled(), "checked": checked}


MAX_TRACEBACK = 64 * 1024


def error(phase, message, traceback=None):
    assert phase in PHASES, phase
    if traceback is not None and len(traceback) > MAX_TRACEBACK:
        # Keep the tail: the innermost frames and the exception line are what matter.
        traceback = "...(truncated)\n" + traceback[-MAX_TRACEBACK:]
    return {"type": "error", "phase": phase, "message": message, "traceback": traceback}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_command(message, allowed, iteration=None):
    """Validate one orchestrator message against what the protocol allows now.

    ``allowed`` is the set of types valid in the current state; ``iteration`` the number a
    ``go``/``ack``/``armed`` must carry. Unknown extra fields are ignored (forward compatibility)."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("expected a JSON object with a string 'type', got {!r}".format(message))
    kind = message["type"]
    if kind not in allowed:
        raise ProtocolError("unexpected {!r} message; expected one of {}".format(
            kind, ", ".join(sorted(allowed))))
    if kind in ("go", "ack", "armed"):
        if not _is_int(message.get("iteration")) or message["iteration"] != iteration:
            raise ProtocolError("{!r} must carry iteration {}, got {!r}".format(
                kind, iteration, message.get("iteration")))
    if kind == "go" and not isinstance(message.get("warmup"), bool):
        raise ProtocolError("'go' needs a boolean 'warmup', got {!r}".format(message.get("warmup")))
    return message
