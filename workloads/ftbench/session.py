"""One workload in one process: the phases both drivers (channel and standalone) step through.

    Session(spec, threads, size)   import phase: size resolved, instance built, ops() known
    .setup()                       workload.setup(), worker threads created, each runs
                                   workload.setup_thread(index), then parks
    .prepare(k)                    before_iteration(k), gc.collect(), threads parked
    .run(k)                        the timed region -> result fields of a ``done`` message
    .finish(check)                 check() (when asked), then teardown() (always)
    .abandon()                     after a failure: stop workers, best-effort teardown

Every exception a workload raises comes out as :class:`PhaseError` naming the phase, which
is what the ``error`` message reports.
"""

import contextlib
import gc
import traceback

from . import interpreter
from .runner import ThreadTeam, WorkerFailure
from .suite import WorkloadError


class PhaseError(Exception):
    def __init__(self, phase, message, details=None):
        super().__init__("{}: {}".format(phase, message))
        self.phase = phase
        self.message = message
        self.traceback = details


@contextlib.contextmanager
def phase(name):
    try:
        yield
    except PhaseError:
        raise
    except WorkerFailure as exc:
        raise PhaseError(name, str(exc), exc.details["traceback"])
    except WorkloadError as exc:
        raise PhaseError(name, str(exc), exc.details)
    except BaseException as exc:  # SystemExit/KeyboardInterrupt from workload code included
        raise PhaseError(name, "{}: {}".format(type(exc).__name__, exc), traceback.format_exc())


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class Session:
    def __init__(self, spec, threads, size_arg, diagnose=False):
        self.spec = spec
        self.threads = threads
        self.team = None
        # --diagnose: candidates, written words and the watch rendezvous (diagnose.py).
        self.diagnosis = None
        if diagnose:
            from .diagnose import Diagnosis
            self.diagnosis = Diagnosis()
            self.diagnosis.activate()
        self._setup_started = False
        self._finished = False
        self._next_iteration = 0
        with phase("import"):
            self.size, self.size_preset = spec.resolve_size(size_arg)
            self.workload = spec.instantiate()
            ops = self.workload.ops(threads, self.size)
            if not _positive_int(ops):
                raise WorkloadError("ops({}, {}) returned {!r}; it must be a positive int".format(
                    threads, self.size, ops))
            self.ops_per_iteration = ops

    def info(self):
        """The ``workload`` object of ``hello``."""
        return {
            "id": self.spec.id,
            "kind": self.spec.kind,
            "path": self.spec.path,
            "scaling": self.spec.scaling,
            "pair": self.spec.pair,
            "tags": list(self.spec.tags),
            "op_name": self.spec.op_name,
            "threads": self.threads,
            "size": self.size,
            "size_preset": self.size_preset,
            "ops_per_iteration": self.ops_per_iteration,
        }

    def setup(self):
        self._setup_started = True
        with phase("setup"):
            # Set before setup() so run_thread can rely on them even if setup() forgets.
            self.workload.threads, self.workload.size = self.threads, self.size
            self.workload.setup(self.threads, self.size)
            # Each worker runs setup_thread(index) itself before it first parks: untimed,
            # before before_iteration(0) and the first ready; a failure there is a setup
            # failure (WorkerFailure -> PhaseError("setup")).
            self.team = ThreadTeam(self.workload.run_thread, self.threads,
                                   prepare=self.workload.setup_thread)
            self.team.start()
            if self.diagnosis is not None:
                self.diagnosis.setup(self.workload, self.spec.kind == "script", self.threads)

    def prepare(self, iteration):
        assert iteration == self._next_iteration, (iteration, self._next_iteration)
        with phase("iteration"):
            self.workload.before_iteration(iteration)
            # Garbage left by the previous iteration is collected here, untimed, rather than
            # by whichever allocation in the next region happens to trigger a collection.
            gc.collect()

    def run(self, iteration):
        """Run iteration ``iteration``; returns the measurement fields of ``done``."""
        self._next_iteration = iteration + 1
        with phase("iteration"):
            region_ns, threads = self.team.run()
        return {
            "region_ns": region_ns,
            "threads": threads,
            "ops": self.ops_per_iteration,
            # Re-read every time: importing an extension without free-threading support
            # re-enables the GIL at run time on a free-threaded build.
            "gil_enabled": interpreter.gil_enabled(),
        }

    def finish(self, check=True):
        """End a healthy session. check() runs before teardown(): it inspects the state
        of the last iteration, which teardown() is entitled to release. teardown() runs even
        when check() fails; the check failure is the error reported."""
        self._finished = True
        self.team.close()
        failure = None
        if check:
            try:
                with phase("check"):
                    problem = self.workload.check()
                if problem is not None:
                    failure = PhaseError("check", "check() failed: {}".format(problem))
            except PhaseError as exc:
                failure = exc
        try:
            with phase("teardown"):
                self.workload.teardown()
        except PhaseError:
            if failure is None:
                raise
        if failure is not None:
            raise failure

    def abandon(self):
        """After a failure: release parked workers and tear down if that is safe.

        Returns False when a worker is still running workload code (stuck waiting on a
        failed peer, say); teardown is skipped then, since it would race with that worker,
        and the caller must leave with ``os._exit``."""
        if self.team is not None and not self.team.close():
            return False
        if self._setup_started and not self._finished:
            try:
                self.workload.teardown()
            except BaseException:
                pass  # best effort: the first error is the one reported
        return True
