"""Channel mode: the harness driven by the orchestrator over two inherited pipe fds.

Line-delimited JSON, one message per line; every message leaves in a single ``os.write`` so
that no partial line can interleave with anything else written to that fd. The harness only
reads while its workers are parked, so reading needs no thread. The message flow and error
semantics are specified in workloads/PROTOCOL.md; :func:`serve` is that state machine.
"""

import errno
import io
import json
import os

from . import protocol
from .protocol import EXIT_ERROR, EXIT_OK, EXIT_ORPHANED, ProtocolError
from .session import PhaseError

MAX_LINE = 1 << 20  # an orchestrator message is tiny; anything this long is garbage


class ChannelClosed(Exception):
    """EOF on the in fd or a broken pipe on the out fd: the orchestrator is gone."""


class Channel:
    def __init__(self, in_fd, out_fd):
        for fd in (in_fd, out_fd):
            os.fstat(fd)  # OSError(EBADF) now, as a usage error, rather than mid-protocol
            # Close-on-exec: a subprocess the workload starts must not hold our pipe ends
            # (a held write end would hide our exit from the orchestrator).
            os.set_inheritable(fd, False)
        self._reader = io.open(in_fd, "rb", closefd=False)
        self._out_fd = out_fd

    def send(self, message):
        data = (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")
        try:
            written = os.write(self._out_fd, data)
            # A blocking pipe write returns short only if a signal interrupted a write bigger
            # than the pipe buffer; finish it so the line stays whole.
            while written < len(data):
                written += os.write(self._out_fd, data[written:])
        except OSError as exc:
            if exc.errno in (errno.EPIPE, errno.EBADF):
                raise ChannelClosed() from exc
            raise

    def receive(self):
        try:
            line = self._reader.readline(MAX_LINE + 1)
        except OSError as exc:
            raise ChannelClosed() from exc
        if not line.endswith(b"\n"):
            if len(line) > MAX_LINE:
                raise ProtocolError("orchestrator message longer than {} bytes".format(MAX_LINE))
            raise ChannelClosed()  # EOF, possibly mid-line: the writer died
        try:
            return json.loads(line.decode("utf-8"))
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ProtocolError("not a JSON line ({}): {!r}".format(exc, line[:200]))


def _receive(channel, allowed, iteration=None):
    return protocol.check_command(channel.receive(), allowed, iteration)


def _diagnosed_run(session, diagnosis, iteration):
    """One region in diagnose mode: a watch rendezvous may happen inside it (from the thread
    that registered a candidate); one that failed is what the run reports (a protocol error,
    or the orchestrator gone), even if the workload swallowed the exception it raised."""
    diagnosis.region_begin(iteration)
    try:
        result = session.run(iteration)
    except PhaseError:
        diagnosis.region_end()
        diagnosis.check_rendezvous()
        raise
    diagnosis.region_end()
    diagnosis.check_rendezvous()
    result.update(diagnosis.done_fields())
    return result


def serve(channel, open_session, stub):
    """Run the protocol; returns the process exit status.

    ``open_session()`` resolves and imports the workload (may raise the ``import``
    PhaseError); ``stub`` is the ``workload`` object ``hello`` carries if it does."""
    session = None
    try:
        try:
            session = open_session()
        except PhaseError as exc:
            # hello always comes first: the orchestrator gets the interpreter facts and a
            # uniform transcript grammar, then the reason.
            channel.send(protocol.hello(stub))
            channel.send(protocol.error(exc.phase, exc.message, exc.traceback))
            return EXIT_ERROR
        diagnosis = session.diagnosis
        if diagnosis is not None:
            diagnosis.channel = channel  # the watch rendezvous writes and reads it mid-region
        # No thread exists yet and the workload's setup has not run: the orchestrator
        # attaches its inherit-mode counters on reading this.
        channel.send(protocol.hello(session.info()))
        if _receive(channel, {"start", "stop"})["type"] == "stop":
            channel.send(protocol.bye(checked=False))  # a facts-only probe: nothing ran
            return EXIT_OK
        session.setup()
        iteration = 0
        while True:
            session.prepare(iteration)
            if diagnosis is None:
                channel.send(protocol.ready(iteration))
            else:  # candidates and buffer snapshots are taken last, just before ready
                channel.send(protocol.ready(iteration, diagnosis.ready_fields(session.team.tids())))
            command = _receive(channel, {"go", "stop"}, iteration)
            if command["type"] == "stop":
                # before_iteration() already reset state for an iteration that never ran,
                # so check() would judge the wrong thing: skip it and say so in bye.
                checked = False
                break
            if diagnosis is None:
                result = session.run(iteration)
            else:
                result = _diagnosed_run(session, diagnosis, iteration)
            channel.send(protocol.done(iteration, command["warmup"], result))
            if _receive(channel, {"ack", "stop"}, iteration)["type"] == "stop":
                checked = True
                break
            iteration += 1
        session.finish(check=checked)
        channel.send(protocol.bye(checked))
        return EXIT_OK
    except ChannelClosed:
        if session is not None:
            session.abandon()
        return EXIT_ORPHANED
    except (PhaseError, ProtocolError) as exc:
        if isinstance(exc, PhaseError):
            message = protocol.error(exc.phase, exc.message, exc.traceback)
        else:
            message = protocol.error("protocol", str(exc))
        try:
            channel.send(message)
        except ChannelClosed:
            return EXIT_ORPHANED
        finally:
            if session is not None:
                session.abandon()
        return EXIT_ERROR
