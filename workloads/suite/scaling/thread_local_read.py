"""Thread-local reads: read an attribute of one module-level ``threading.local()`` object.

Isolates: attribute reads on a ``threading.local`` (each thread sees its own attribute
dict; the local object itself is shared), as in ftscalingbench ``thread_local_read``. Held
constant: each worker sets ``tl.x`` once, then performs ``size`` reads, five per loop trip.

Scaling: weak (each thread performs ``size`` reads).
Operation: one ``tl.x`` read.

Expected: GIL builds (3.12, 3.13): each read finds the calling thread's dict for the local
object and looks ``x`` up in it; ~N x the 1-thread time (GIL serialisation). Free-threaded
(3.13t): the lookup itself is per-thread, but the ``threading.local`` object is shared and
is *not* deferred-refcounted on 3.13t, so each read's load of it increfs/decrefs one shared
refcount field atomically from every thread, and that cache line ping-pongs between
cores: expect per-read time to rise with threads (CPython's ftscalingbench saw
thread-local reads about 2x slower at ~10 threads on 3.13t).
"""
import threading

from .. import _shared

tl = threading.local()


def _kernel(n, value):
    tmp = tl
    tmp.x = value
    total = 0
    for _ in range(n // 5):
        total += tmp.x
        total += tmp.x
        total += tmp.x
        total += tmp.x
        total += tmp.x
    return total


class ThreadLocalRead(_shared.PerThreadResults):
    tags = ("scaling", "threading_local", "ftscalingbench")
    sizes = {"default": 2_000_000, "quick": 80_000}
    op_name = "attribute read"
    unroll = 5
    mismatch = "thread {t} summed {got!r}, expected {want}"

    def run_thread(self, index):
        # each thread stores its own value: a read that saw another thread's
        # attribute would make check() fail
        self.results[index] = _kernel(self.size, index + 1)

    def expected_results(self):
        return [(self.size // 5) * 5 * (t + 1) for t in range(self.threads)]


WORKLOAD = ThreadLocalRead
