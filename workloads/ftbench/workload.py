"""The contract between the harness and a workload.

A workload module lives under ``workloads/suite/<group>/.../<name>.py``; its id is that path
without the suffix (``memory/ordering/false_sharing_padded``). It defines exactly one subclass
of :class:`Workload` (module attribute ``WORKLOAD = TheClass``).

The harness, for each process:
  1. instantiates the class, calls ``setup(threads, size)`` once on the main thread (outside
     any timing);
  2. starts ``threads`` worker threads; each calls ``setup_thread(index)`` once, then waits at
     the start gate (thread creation and ``setup_thread`` are never timed);
  3. per iteration (warm-up and measured): ``before_iteration()`` (untimed), then releases all
     workers together; the region is the time from release until the last worker finished
     ``run_thread(index)``; each worker's own wall and CPU time is recorded too;
  4. ``teardown()`` once at the end.

Details the harness guarantees (see workloads/README.md):
  * ``self.threads`` and ``self.size`` are set on the instance before ``setup()`` runs.
  * ``setup_thread(index)`` runs in worker thread ``index`` itself, once per process, after
    ``setup()`` returned and before that worker first parks at the start gate: so before
    ``before_iteration(0)`` and before the first ``ready``. The workers run it concurrently
    (make it thread-safe, e.g. take a lock around anything shared). It is the place to build
    the objects a worker's timed loop uses, so that the worker owns them: on free-threaded
    builds objects made in ``setup()`` belong to the main thread, and every reference-count
    operation a worker does on them takes the atomic shared path. An exception in it ends
    the run with an ``error`` of phase ``setup`` (like an exception in ``setup()``).
  * ``run_thread`` always runs on a worker thread (named ``ftbench-worker-<index>``), never
    on the main thread, also with one thread; ``gc.collect()`` runs (untimed) after
    ``before_iteration()``.
  * ``check()`` runs after the last iteration and *before* ``teardown()``, so it may inspect
    the last iteration's state; ``teardown()`` runs even when ``check()`` fails. If the
    orchestrator stops after a ``before_iteration()`` whose iteration then never runs, the
    harness skips ``check()`` (and reports that), since the state was already reset.

``ops(threads, size)`` is the number of logical operations one iteration performs in total
(all threads together): results are also reported per operation, and paired workloads
(baseline/padded, sequential/strided, dynamic/typed, thread-local/cross-thread) perform the
same number of operations so that their per-op times compare.

``scaling`` says how to read results across thread counts:
  * ``STRONG``: ``size`` operations in total are split across the threads; the ideal time
    falls as 1/threads (``ops`` does not depend on ``threads``).
  * ``WEAK``: every thread performs ``size`` operations; the ideal time stays flat
    (``ops`` is proportional to ``threads``).
  * ``LATENCY``: every thread performs ``size`` operations, as for ``WEAK``, but each
    operation's latency is the result; more threads show throughput (operations per second,
    all threads together), never a scaling efficiency. Use it for operations whose unit of
    work is not fixed as threads are added (starting a thread: with one worker each
    operation is a chain of two threads using less than one CPU, and the runtime's
    per-thread start-up cost changes with load): an "efficiency" would report an artefact.

``pair`` (optional) declares that the workload is one side of a controlled comparison, for
the analysis: ``{"id": name, "role": "subject" | "reference", "other": other workload id,
"expected": [{"build": ..., "threads": ..., "python": ..., "ratio": ...}, ...]}`` where
ratio is the subject's time per operation over the reference's; ``build`` is
"free_threaded" (GIL disabled), "gil" or "any", ``threads`` "1", ">=2" or "any", ``python``
"any" or a version spec such as ">=3.14", ``ratio`` "higher", "lower" or "equal"
(PROTOCOL.md, section 6). The harness validates the shape and reports it in ``list --json``
and ``hello``.
"""

STRONG = "strong"  # fixed total work split across threads: ideal time falls as 1/threads
WEAK = "weak"      # fixed work per thread: ideal time stays flat as threads grow
#: fixed work per thread like WEAK, but each operation's latency is the result; more threads
#: show throughput, never a scaling efficiency.
LATENCY = "latency"
SCALING_LABELS = (STRONG, WEAK, LATENCY)

#: values allowed in a pair declaration (see ``Workload.pair`` and PROTOCOL.md section 6)
PAIR_ROLES = ("subject", "reference")
PAIR_BUILDS = ("free_threaded", "gil", "any")
PAIR_THREADS = ("1", ">=2", "any")
PAIR_RATIOS = ("higher", "lower", "equal")


class Workload:
    #: "strong", "weak" or "latency" (see module docstring).
    scaling = WEAK
    #: free-form tags selectable from the orchestrator config (``tags: [memory]``).
    tags = ()
    #: problem size per preset; "quick" is for tests (a few ms), "default" aims at
    #: 10-200 ms per iteration on a 2-core machine.
    sizes = {"default": 1, "quick": 1}
    #: what one operation is, for per-op reporting ("increment", "call", "lock round trip").
    op_name = "op"
    #: None, or this workload's side of a controlled comparison (see module docstring).
    pair = None

    def setup(self, threads, size):
        """Build inputs and shared state. Untimed. Called once per process, on the main
        thread, before any worker thread exists."""

    def setup_thread(self, index):
        """Build what worker ``index`` uses, in that worker thread, so the worker owns it.

        Untimed. Called once per process in worker thread ``index``, after ``setup()`` and
        before the worker first waits at the start gate (so before ``before_iteration(0)``).
        Workers run it concurrently. An exception is reported as a ``setup`` failure."""

    def before_iteration(self, iteration):
        """Reset per-iteration state. Untimed. Called before every iteration."""

    def run_thread(self, index):
        """The timed body for worker ``index`` (0-based) of ``self.threads``."""
        raise NotImplementedError

    def ops(self, threads, size):
        """Total operations one iteration performs (all threads together)."""
        raise NotImplementedError

    def teardown(self):
        """Release resources. Untimed. Called once per process."""

    def check(self):
        """Optional self-check after the last iteration (e.g. a counter total is exact).

        Return None when fine, or a string describing what is wrong; the harness reports it
        as an error so a workload that silently did the wrong thing never yields a number."""
        return None
