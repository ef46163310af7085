"""Thread start-up and join cost: each worker starts and joins ``size`` threads that do nothing.

Isolates: ``threading.Thread.start()`` + ``join()`` (OS thread creation, interpreter
thread-state creation and teardown, the start/finish handshakes). The target does nothing
(no sleep: the original's 1 ms sleep dominated what it claimed to measure). Held constant:
threads are created one at a time by each worker, never more than one extra thread alive
per worker.

Scaling: weak (each worker starts and joins ``size`` threads).
Operation: one thread started and joined.

Expected: on GIL builds (3.12, 3.13) most of the cost is in the kernel (clone, futex
wake-ups) plus GIL hand-offs between the creator and the new thread; N workers contend
for the GIL at every start/join handshake, so time grows with N. On the free-threaded build
(3.13t) creating a thread state also sets up per-thread mimalloc heaps and registers the
thread with QSBR and the biased-refcount machinery, so a single start/join costs more than
on a GIL build (about 2.7x 3.12's here), and N workers still serialise on the interpreter's
thread-list lock and in the kernel; expect only modest scaling on both.
"""
import threading

from .. import _shared


def _noop():
    pass


class ThreadCreation(_shared.PerThreadResults):
    tags = ("baseline", "threads")
    sizes = {"default": 1_000, "quick": 50}
    op_name = "thread start+join"
    mismatch = "worker {t} started {got} threads, expected {want}"

    def run_thread(self, index):
        Thread = threading.Thread
        done = 0
        for _ in range(self.size):
            t = Thread(target=_noop)
            t.start()
            t.join()
            done += 1
        self.results[index] = done


WORKLOAD = ThreadCreation
