"""The contract between the harness and a workload.

A workload module lives under ``workloads/suite/<group>/.../<name>.py``; its id is that path
without the suffix (``memory/ordering/false_sharing_padded``). It defines exactly one subclass
of :class:`Workload` (module attribute ``WORKLOAD = TheClass``).

The harness, for each process:
  1. instantiates the class, calls ``setup(threads, size)`` once (outside any timing);
  2. starts ``threads`` worker threads, which wait on a barrier (thread creation is never timed);
  3. per iteration (warm-up and measured): ``before_iteration()`` (untimed), then releases all
     workers together; the region is the time from release until the last worker finished
     ``run_thread(index)``; each worker's own wall and CPU time is recorded too;
  4. ``teardown()`` once at the end.

Details the harness guarantees (see workloads/README.md):
  * ``self.threads`` and ``self.size`` are set on the instance before ``setup()`` runs.
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
"""

STRONG = "strong"  # fixed total work split across threads: ideal time falls as 1/threads
WEAK = "weak"      # fixed work per thread: ideal time stays flat as threads grow


class Workload:
    #: "strong" or "weak" scaling (see module docstring).
    scaling = WEAK
    #: free-form tags selectable from the orchestrator config (``tags: [memory]``).
    tags = ()
    #: problem size per preset; "quick" is for tests (a few ms), "default" aims at
    #: 10-200 ms per iteration on a 2-core machine.
    sizes = {"default": 1, "quick": 1}
    #: what one operation is, for per-op reporting ("increment", "call", "lock round trip").
    op_name = "op"

    def setup(self, threads, size):
        """Build inputs and shared state. Untimed. Called once per process."""

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
