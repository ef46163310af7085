"""Thread start-up and join latency: each worker starts and joins ``size`` threads, one at a time.

Isolates: ``threading.Thread.start()`` + ``join()`` (OS thread creation, interpreter
thread-state creation and teardown, the start/finish handshakes). The child does almost
nothing: it appends its ``threading.get_ident()`` to its creator's list (the original's
1 ms sleep dominated what it claimed to measure), so check() can verify that every child
started really ran, on a thread other than its creator: each worker's list must hold
exactly ``size`` idents per iteration, none of them the worker's own. Held constant:
threads are created one at a time by each worker, never more than one extra thread alive
per worker.

Hot objects: none made in advance: each worker makes its result list in the timed body
(once per iteration), each Thread object per operation.

Scaling: latency (each worker starts and joins ``size`` threads in sequence; the result is
the latency of one start+join, and more workers show throughput, never a scaling
efficiency). With one worker each operation is a chain of two threads that uses less than
one CPU (the creator waits while the child starts, runs and exits), and the per-thread
start-up cost of the free-threaded runtime changes with load, so the unit of work is not
fixed as workers are added: 3.13t measured 2.9x "scaling" at 2 workers on 2 cores (147 %
"efficiency"), an artefact. Report time per operation (latency) and operations per second
(throughput); the children's CPU time is not in the workers' ``cpu_ns`` (task-clock of the
process minus the workers' CPU time is the children's and the harness's share).
Operation: one thread started, run and joined; ops = threads * size.

Expected: on GIL builds most of the cost is in the kernel (clone, futex wake-ups) plus GIL
hand-offs between the creator and the new thread. On free-threaded builds creating a thread
state also sets up per-thread mimalloc heaps and registers the thread with QSBR and the
biased-refcount machinery, so a single start/join costs more than on a GIL build (3.13t:
about 2.7x 3.12's here); N workers serialise on the interpreter's thread-list lock and in the
kernel. The first thread started on 3.13t also immortalises every object that would use
deferred reference counting (a one-off stop-the-world pass, in the harness's own worker
start-up, before any region); 3.14 no longer does this. Not measured on 3.14 or 3.15 here.
"""
import threading

from ftbench.workload import LATENCY

from .. import _shared


def _child(ran):
    ran.append(threading.get_ident())


class ThreadCreation(_shared.PerThreadResults):
    scaling = LATENCY
    tags = ("baseline", "threads")
    sizes = {"default": 1_000, "quick": 50}
    op_name = "thread start+join"

    def run_thread(self, index):
        Thread = threading.Thread
        ran = []
        for _ in range(self.size):
            t = Thread(target=_child, args=(ran,))
            t.start()
            t.join()  # op
        self.results[index] = (threading.get_ident(), ran)

    def check(self):
        for t, result in enumerate(self.results):
            if result is None:
                return "worker %d did not finish" % t
            me, ran = result
            if len(ran) != self.size:
                return "worker %d: %d of its %d children ran" % (t, len(ran), self.size)
            if me in ran:
                return "worker %d: a child ran on the worker's own thread" % t
        return None


WORKLOAD = ThreadCreation
