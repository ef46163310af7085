"""``--diagnose``: the harness side of ``orchestrate diagnose`` (PROTOCOL.md, "Diagnose mode").

Imported only when a run asks for it: outside diagnose mode nothing here runs (no wrapper, no
new fields). One :class:`Diagnosis` per process, owned by the session; it

* describes the candidates (``ftbench.watch()`` calls plus the automatic ones) and the
  workers' native thread ids for every ``ready``;
* reads the bytes of every buffer candidate just before ``ready`` (or when it is registered
  inside a region) and reports the 8-byte words that changed in the region in ``done``;
* inside a region, sends each new candidate to the orchestrator (``watch``) from the thread
  that registered it and waits for ``armed`` before that thread goes on: the orchestrator
  arms its watchpoints on that thread (inherited by the threads it starts later);
* for ``run-script``, wraps ``threading.Thread.start``: the first thread a script run starts
  triggers the automatic candidates of the script's globals, sent the same way.

The main thread never reads the channel while a region runs, so the registering thread reads
the reply itself; a lock makes one rendezvous at a time. A reply other than ``armed`` for the
current iteration fails the caller (an exception in workload code) and is reported, once the
region is over, as an ``error`` of phase ``protocol``.
"""

import contextlib
import importlib
import threading

from . import protocol
from .protocol import ProtocolError

# The module, not the function: ``ftbench.watch`` (the package attribute) is the function.
watching = importlib.import_module(__package__ + ".watch")

INSTANCE_SOURCE = "instance"   # automatic candidates of the workload instance (each ready)
SCRIPT_SOURCE = "script"       # anything a script run registered (that run only)


def _survive_stray_traps():
    """A no-op SIGTRAP handler, installed from the main thread before any watchpoint exists.

    Watched writes trap into the kernel, which hands them to the orchestrator's perf events.
    When a breakpoint is removed (a window ends, the trap budget is reached) while a thread is
    writing, the kernel can find a debug trap it no longer owns and sends SIGTRAP, whose default
    action kills the process (seen in this project's KVM guests about once in ten watched
    runs). The kernel forces that signal through SIG_IGN but delivers it to a real handler, so
    the stray trap costs nothing. Never installed outside diagnose mode."""
    import signal
    if hasattr(signal, "SIGTRAP") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTRAP, lambda signum, frame: None)


class RendezvousFailed(RuntimeError):
    """The orchestrator did not answer ``watch`` with ``armed`` (or went away)."""


class _ScriptRun:
    """One execution of a script by worker ``index``: its globals and its naming."""

    def __init__(self, index, namespace, suffix):
        self.index = index
        self.namespace = namespace
        self.suffix = suffix
        self.names = 0
        self.scanned = False
        self.lock = threading.Lock()

    def default_name(self):
        with self.lock:
            name = "watch#{}".format(self.names)
            self.names += 1
            return name


class Diagnosis:
    def __init__(self, registry=None):
        self.registry = registry if registry is not None else watching.REGISTRY
        self.channel = None          # set by channel.serve; None: no rendezvous (tests)
        self.workload = None
        self.script = False
        self.threads = 1
        self._local = threading.local()
        self._region = None          # iteration number while a region runs
        self._lock = threading.Lock()          # one rendezvous at a time
        self._state = threading.Lock()         # snapshots, region lists
        self._snapshots = {}         # key -> (entry, address, size, start, bytes)
        self._seen = set()           # identities of the candidates described at ready
        self._region_entries = []    # entries registered during the region (in order)
        self._region_truncated = False
        self._count = 0              # candidates reported in this iteration so far
        self._failure = None         # ("closed" | "protocol", message) from a rendezvous
        self._original_start = None

    # --- lifecycle (called by the session and channel.serve) ------------------------------

    def activate(self):
        watching._hook = self
        _survive_stray_traps()

    def setup(self, workload, script, threads):
        """After the workload's setup and the team's start: hook the script runs."""
        self.workload, self.script, self.threads = workload, script, threads
        if script:
            workload.run_context = self.script_run
            self._wrap_thread_start()

    def close(self):
        if self._original_start is not None:
            threading.Thread.start = self._original_start
            self._original_start = None
        if watching._hook is self:
            watching._hook = None

    def ready_fields(self, tids):
        """Everything ``ready`` gains; snapshots every buffer candidate."""
        # What earlier script runs registered belongs to namespaces that are gone: each run
        # sends its own candidates (watch, done), under the same keys.
        self.registry.drop(SCRIPT_SOURCE)
        if self.workload is not None and not self.script:
            self.registry.drop(INSTANCE_SOURCE)
            found, _ = watching.scan(watching.instance_namespace(self.workload), prefix="self.",
                                     exclude_ids=self.registry.ids())
            for key, value in found:
                self.registry.add(value, key, watching.AUTO, INSTANCE_SOURCE)
        described, truncated = self.registry.candidates()
        snapshots = {}
        for entry, candidate in described:
            snapshot = self._snapshot(entry, candidate)
            if snapshot is not None:
                snapshots[entry.key] = snapshot
        with self._state:
            self._snapshots = snapshots
            self._seen = {watching.identity(c) for _, c in described}
            self._region_entries = []
            self._region_truncated = False
            self._count = len(described)
        return protocol.diagnose_ready(tids, [c for _, c in described], truncated)

    def region_begin(self, iteration):
        self._region = iteration

    def region_end(self):
        self._region = None

    def check_rendezvous(self):
        """Raise what a failed rendezvous in the region means for the protocol."""
        if self._failure is not None:
            kind, message = self._failure
            if kind == "closed":
                from .channel import ChannelClosed
                raise ChannelClosed()
            raise ProtocolError(message)

    def done_fields(self):
        """Everything ``done`` gains: written words of every snapshotted buffer candidate,
        and the candidates registered during the region (described again now)."""
        with self._state:
            snapshots = list(self._snapshots.values())
            region_entries = list(self._region_entries)
            truncated = self._region_truncated
        written = []
        for entry, address, size, start, before in snapshots:
            now = watching.describe(entry.obj, entry.key, entry.origin)
            if (now["address"], now["size"]) != (address, size):
                note = now.get("note") or "buffer moved or resized during the region"
                written.append(protocol.written(entry.key, [], False, note))
                continue
            reading = watching.read_words(entry.obj, address, size)
            if reading is None:
                written.append(protocol.written(entry.key, [], False, "unreadable"))
                continue
            offsets, cut = watching.written_offsets(before, reading[1], start, address)
            written.append(protocol.written(entry.key, offsets, cut))
        latest = {}  # a key registered twice in the region: the later registration
        for entry in region_entries:
            latest.pop(entry.key, None)
            latest[entry.key] = entry
        candidates = [watching.describe(e.obj, e.key, e.origin) for e in latest.values()]
        return protocol.diagnose_done(written, candidates, truncated)

    # --- registration ----------------------------------------------------------------------

    def _snapshot(self, entry, candidate):
        if candidate["kind"] != "buffer" or candidate["address"] is None:
            return None
        reading = watching.read_words(entry.obj, candidate["address"], candidate["size"])
        if reading is None:
            return None
        return (entry, candidate["address"], candidate["size"], reading[0], reading[1])

    def _current_run(self):
        run = getattr(self._local, "run", None)
        if run is None:
            run = getattr(threading.current_thread(), "_ftbench_script_run", None)
        return run

    def watch(self, obj, name):
        """``ftbench.watch()`` in diagnose mode."""
        run = self._current_run()
        if run is not None:
            key = (run.default_name() if name is None else name) + run.suffix
        else:
            key = self.registry.default_name() if name is None else name
        entry = self.registry.add(obj, key, watching.NAMED, SCRIPT_SOURCE if run else None)
        if self._region is not None:
            self._in_region([entry])

    def _in_region(self, entries, always=False):
        """Describe and snapshot entries registered inside a region; send the new ones."""
        fresh = []
        with self._state:
            for entry in entries:
                candidate = watching.describe(entry.obj, entry.key, entry.origin)
                if watching.identity(candidate) in self._seen:
                    continue
                if self._count >= watching.MAX_CANDIDATES:
                    self._region_truncated = True
                    continue
                self._count += 1
                self._seen.add(watching.identity(candidate))
                snapshot = self._snapshot(entry, candidate)
                if snapshot is not None:
                    self._snapshots[entry.key] = snapshot
                self._region_entries.append(entry)
                fresh.append(candidate)
            truncated = self._region_truncated
        if fresh or always:
            self.rendezvous(fresh, truncated)

    def rendezvous(self, candidates, truncated=False):
        """Send ``watch`` from this thread and wait for ``armed`` (inside a region only)."""
        iteration = self._region
        if self.channel is None or iteration is None:
            return
        with self._lock:
            if self._failure is not None:
                raise RendezvousFailed(self._failure[1])
            from .channel import ChannelClosed
            try:
                self.channel.send(protocol.watch(iteration, threading.get_native_id(),
                                                 candidates, truncated))
                protocol.check_command(self.channel.receive(), {"armed"}, iteration)
            except ChannelClosed:
                self._failure = ("closed", "the orchestrator went away during a watch rendezvous")
                raise RendezvousFailed(self._failure[1])
            except ProtocolError as exc:
                self._failure = ("protocol", "answering watch: {}".format(exc))
                raise RendezvousFailed(self._failure[1])

    # --- run-script ------------------------------------------------------------------------

    @contextlib.contextmanager
    def script_run(self, index, namespace):
        """Around one execution of the script by worker ``index`` (ScriptWorkload)."""
        suffix = "@{}".format(index) if self.threads > 1 else ""
        self._local.run = _ScriptRun(index, namespace, suffix)
        try:
            yield
        finally:
            self._local.run = None

    def _wrap_thread_start(self):
        original = threading.Thread.start
        diagnosis = self

        def start(thread):
            run = diagnosis._current_run()
            if run is not None:
                # Threads a script run starts name their watch() calls like the run itself.
                thread._ftbench_script_run = run
                with run.lock:
                    first, run.scanned = not run.scanned, True
                if first:
                    diagnosis.script_globals(run)
            return original(thread)

        start.__wrapped__ = original
        self._original_start = original
        threading.Thread.start = start

    def script_globals(self, run):
        """The automatic candidates of a script run's globals, at its first Thread.start:
        registered, then sent (even when there are none: the orchestrator arms the caller
        before the script's threads exist)."""
        found, _ = watching.scan(run.namespace, suffix=run.suffix, exclude_ids=self.registry.ids())
        entries = [self.registry.add(value, key, watching.AUTO, SCRIPT_SOURCE) for key, value in found]
        if self._region is not None:
            self._in_region(entries, always=True)
