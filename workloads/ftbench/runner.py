"""The worker threads, the start gate, and what is timed.

Timing model (one iteration):

    main:     ... all workers parked ... t0=perf_counter_ns(); release ... wait until all parked
    worker i:   parked --release--> s_i; run_thread(i); e_i --> parked again

* ``region_ns = max(e_i) - t0``: from the release until the last worker finished its body.
  Thread creation, parking and the main thread's own wake-up are outside it.
* per thread: ``wall_ns = e_i - t0`` (release -> its end), ``start_ns = s_i - t0`` (how long
  the release took to reach it), ``cpu_ns`` from ``time.thread_time_ns`` around the body.
  So ``max(wall_ns) == region_ns`` by construction.

Bodies always run on worker threads, never on the main thread, also with one thread: the
one-thread figure must be comparable with the N-thread ones.

Before a worker first parks it runs ``prepare(index)`` (the workload's ``setup_thread``), so
whatever that builds is made, and owned, by the thread that will use it; :meth:`ThreadTeam.start`
returns only when every worker has done so and is parked, and raises :class:`WorkerFailure`
(naming ``setup_thread``) if one of them raised.

The gate is a condition variable rather than ``threading.Barrier`` because the main thread
needs "every worker is parked" as an event (``ready`` promises parked threads) and the end
of an iteration is exactly "every worker is parked again"; a failing worker marks the gate
failed and the main thread returns at once instead of waiting for peers that may never
finish (for example consumers blocked on a producer that raised).
"""

import os
import sys
import threading
import time
import traceback

_clock = time.perf_counter_ns
_cpu_clock = time.thread_time_ns


class GateClosed(Exception):
    """The team was shut down or a worker failed: parked workers leave."""


class WorkerFailure(Exception):
    """A worker's body (or its ``prepare`` step) raised; ``details`` holds index, type,
    message, traceback and where ("setup_thread" or "run_thread")."""

    def __init__(self, details):
        super().__init__("worker {} raised {}{}: {}".format(
            details["index"], details["type"],
            " in setup_thread" if details.get("where") == "setup_thread" else "", details["message"]))
        self.details = details


class _Gate:
    """Workers park; the main thread waits for all of them, then releases them together."""

    def __init__(self, parties):
        self._parties = parties
        lock = threading.Lock()
        self._all_parked = threading.Condition(lock)  # main waits here
        self._released = threading.Condition(lock)    # workers wait here
        self._parked = 0
        self._generation = 0
        self._closed = False
        self._failed = False

    def park(self):
        """Worker side: wait for the next release; raise GateClosed on shutdown."""
        with self._released:
            generation = self._generation
            self._parked += 1
            if self._parked == self._parties:
                self._all_parked.notify()
            while self._generation == generation and not self._closed:
                self._released.wait()
            if self._closed:
                raise GateClosed()

    def wait_all_parked(self, timeout=None):
        """Main side: True once every worker is parked; False on timeout or failure."""
        with self._all_parked:
            self._all_parked.wait_for(lambda: self._parked == self._parties or self._failed,
                                      timeout)
            return self._parked == self._parties and not self._failed

    def release(self):
        with self._released:
            self._parked = 0
            self._generation += 1
            self._released.notify_all()

    def fail(self):
        with self._all_parked:
            self._failed = True
            self._all_parked.notify()

    def close(self):
        with self._released:
            self._closed = True
            self._released.notify_all()


class _Slot:
    """What one worker recorded in the last iteration (written by it, read by main after
    the gate's lock has ordered the accesses)."""

    __slots__ = ("started", "ended", "cpu_ns", "tid", "error")

    def __init__(self):
        self.started = self.ended = self.cpu_ns = 0
        self.tid = None
        self.error = None


def _failure(index, exc, where):
    return {"index": index, "type": type(exc).__name__, "message": str(exc),
            "traceback": traceback.format_exc(), "where": where}


class ThreadTeam:
    """``threads`` workers running ``body(index)`` once per :meth:`run`, each having run
    ``prepare(index)`` once before its first park."""

    def __init__(self, body, threads, prepare=None, start_timeout=None):
        self._body = body
        self._prepare = prepare
        self._gate = _Gate(threads)
        self._slots = [_Slot() for _ in range(threads)]
        self._threads = [threading.Thread(target=self._work, args=(i,),
                                          name="ftbench-worker-{}".format(i), daemon=True)
                         for i in range(threads)]
        # None: wait as long as the workers' prepare steps take (workload code, like setup();
        # the orchestrator's per-process timeout bounds a hang).
        self._start_timeout = start_timeout

    def start(self):
        """Create the threads, let each run ``prepare(index)``, and return once all of them
        are parked (untimed). Raises WorkerFailure if a prepare step raised."""
        for thread in self._threads:
            thread.start()
        if not self._gate.wait_all_parked(self._start_timeout):
            failed = [s.error for s in self._slots if s.error is not None]
            if failed:
                raise WorkerFailure(failed[0])
            self.close(0)
            raise RuntimeError("worker threads did not start within {} s".format(self._start_timeout))

    def _work(self, index):
        slot = self._slots[index]
        slot.tid = threading.get_native_id()
        body = self._body
        if self._prepare is not None:
            try:
                self._prepare(index)
            except BaseException as exc:  # SystemExit too: it never ends the process
                slot.error = _failure(index, exc, "setup_thread")
                self._gate.fail()
                return
        while True:
            try:
                self._gate.park()
            except GateClosed:
                return
            started = _clock()
            cpu_started = _cpu_clock()
            try:
                body(index)
            except BaseException as exc:  # SystemExit too: a body never ends the process
                slot.error = _failure(index, exc, "run_thread")
            ended = _clock()
            slot.cpu_ns = _cpu_clock() - cpu_started
            slot.started, slot.ended = started, ended
            if slot.error is not None:
                self._gate.fail()  # wakes the main thread now; this worker is done for good
                return

    def run(self):
        """One iteration; the workers must be parked (they are after start() and run()).

        Returns ``(region_ns, [per-thread dict])`` or raises WorkerFailure."""
        t0 = _clock()
        self._gate.release()
        if not self._gate.wait_all_parked():
            failed = [s.error for s in self._slots if s.error is not None]
            raise WorkerFailure(failed[0])
        threads = [{"index": i, "wall_ns": s.ended - t0, "cpu_ns": s.cpu_ns,
                    "start_ns": s.started - t0, "tid": s.tid}
                   for i, s in enumerate(self._slots)]
        return max(s.ended for s in self._slots) - t0, threads

    def tids(self):
        """The workers' native thread ids, by index (known once :meth:`start` returned)."""
        return [s.tid for s in self._slots]

    def close(self, grace_s=0.5):
        """Send parked workers home; True when every worker thread has ended.

        A worker stuck in its body (after a peer failed, say) cannot be stopped from Python;
        the caller then exits the process without waiting for it."""
        self._gate.close()
        deadline = time.monotonic() + grace_s
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)


def exit_now(status):
    """Leave the process even though daemon workers may still run workload code."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(status)
