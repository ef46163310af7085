"""Thread-local reads: read an attribute of one module-level ``threading.local()`` object.

Isolates: attribute reads on a ``threading.local`` (each thread sees its own attribute
dict; the local object itself is shared), as in ftscalingbench ``thread_local_read``. Held
constant: each worker sets ``tl.x`` to its own value once per body, then performs ``size``
reads, five per loop trip. check() verifies each thread's sum of the values read (a read
that saw another thread's attribute would break it).

Hot objects: the module-level ``threading.local`` object ``tl``, created at import by the
main thread and shared by every worker (that sharing is the point); each worker's own
attribute dict for it is created by that worker at its first ``tl.x = ...``, in its first
(warm-up) iteration.

Scaling: weak (each thread performs ``size`` reads).
Operation: one ``tl.x`` read; ops = threads * size (size must be a multiple of 5).

Expected: GIL builds: each read finds the calling thread's dict for the local object and
looks ``x`` up in it; ~N x the 1-thread time (GIL serialisation). Free-threaded builds (GIL
disabled): the lookup itself is per-thread, but the ``threading.local`` object is shared and
is neither immortal nor deferred-refcounted on 3.13t (measured: its refcount is an ordinary
one, unlike the module's functions and classes), so each read's load of it increfs/decrefs
one shared refcount field atomically from every thread, and that cache line ping-pongs
between cores: expect per-read time to rise with threads (CPython's ftscalingbench saw
thread-local reads about 2x slower at ~10 threads on 3.13t). 3.14's stack references may
avoid some of those increfs (a borrowed load of the local variable holding it); not
measured on 3.14 or 3.15 here.
"""
import threading

from .. import _shared

tl = threading.local()


def _kernel(n, value):
    tmp = tl
    tmp.x = value
    total = 0
    for _ in range(n // 5):
        total += tmp.x  # op
        total += tmp.x  # op
        total += tmp.x  # op
        total += tmp.x  # op
        total += tmp.x  # op
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
