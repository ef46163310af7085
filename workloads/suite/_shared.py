"""Helpers shared across suite groups (not a workload: the leading ``_`` keeps it out of the suite).

* :func:`chunk`: the exact split of ``total`` items over ``parts`` workers (strong scaling).
* :func:`buffer_address`: the absolute address of a bytearray, for aligning layouts.
* :class:`Unrolled`: weak scaling in units of ``unroll`` operations (size check, ops()).
* :class:`PerThreadResults`: the untimed bookkeeping of workloads in which every worker
  stores one result in ``self.results[index]`` and ``check()`` compares it with the expected
  one. ``run_thread`` (the timed body) is deliberately *not* provided: each workload keeps its
  own, calling its kernel directly, so factoring this out adds nothing to the timed region.
* :class:`SharedCounter`: one lock-protected counter shared by all workers.
* :class:`Pair`: the one declaration of a controlled comparison (both workloads' ``pair``
  attribute and the sentence both docstrings must contain are derived from it).
* :func:`gc_paused`: the cyclic collector paused while building large inputs, safe when
  several workers build theirs at once in ``setup_thread``.
* :func:`immortal`: whether this interpreter can tell that an object is immortal.
* :func:`new_buffer_view`: a fresh memoryview of a bytearray, made by the calling thread.

Conventions of the suite (checked by tests/workloads/suite_claims.py): every workload's
docstring has a "Hot objects:" paragraph saying which thread creates the objects its timed
loop uses; a workload whose hot objects are made by a particular thread returns them from
``hot_objects(index)`` (untimed, for tests and inspection); each line of a timed loop that
performs operations carries a ``# op`` comment (``# op*N``: N operations per execution,
N an int or a module-level name), so a test can count operations by tracing lines.
"""
import contextlib
import ctypes
import gc
import sys
import threading

from ftbench.workload import Workload, WEAK


def chunk(total, parts, index):
    """``(lo, hi)`` of worker ``index`` when ``total`` items are split over ``parts`` workers
    (sizes differ by at most one; every item belongs to exactly one worker)."""
    base, extra = divmod(total, parts)
    lo = index * base + min(index, extra)
    return lo, lo + base + (1 if index < extra else 0)


def buffer_address(buf):
    """Absolute address of the first byte of the bytearray ``buf`` (through ctypes)."""
    c = (ctypes.c_char * len(buf)).from_buffer(buf)
    addr = ctypes.addressof(c)
    del c
    return addr


class Unrolled(Workload):
    """Weak scaling in units of ``unroll`` operations: ``size`` must be a multiple of
    ``unroll``, and one iteration performs ``threads * size`` operations."""

    scaling = WEAK
    unroll = 1

    def setup(self, threads, size):
        if size % self.unroll:
            raise ValueError("size must be a multiple of %d" % self.unroll)
        self.threads, self.size = threads, size

    def ops(self, threads, size):
        return threads * (size // self.unroll) * self.unroll


class PerThreadResults(Unrolled):
    """Each worker stores its kernel's result in ``self.results[index]``.

    Subclasses set ``unroll`` (``size`` must be a multiple of it; ops = threads * size),
    ``mismatch`` (the check() message, a ``str.format`` template over ``t``, ``got`` and
    ``want``), override :meth:`expected_results` unless every worker must return ``size``, and
    define ``run_thread``."""

    mismatch = "thread {t} returned {got!r}, expected {want!r}"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.results = [None] * threads

    def before_iteration(self, iteration):
        self.results = [None] * self.threads

    def expected_results(self):
        """What each worker must have stored, one per thread."""
        return [self.size] * self.threads

    def check(self):
        for t, (got, want) in enumerate(zip(self.results, self.expected_results())):
            if got != want:
                return self.mismatch.format(t=t, got=got, want=want)
        return None


class SharedCounter(Unrolled):
    """All workers increment ``self.box[0]`` under the one ``self.lock``; check() verifies the
    total exactly. Subclasses set ``unroll`` (increments per batch; ``size`` must be a
    multiple of it) and ``mismatch`` (``%`` template over got, want), and define
    ``run_thread``."""

    mismatch = "shared counter is %d, expected %d"

    def setup(self, threads, size):
        super().setup(threads, size)
        self.lock = threading.Lock()
        self.box = [0]

    def hot_objects(self, index):
        return [self.box, self.lock]

    def before_iteration(self, iteration):
        self.box[0] = 0

    def check(self):
        want = self.ops(self.threads, self.size)
        if self.box[0] != want:
            return self.mismatch % (self.box[0], want)
        return None


# --- pairs -----------------------------------------------------------------------------------

_BUILD_TEXT = {"any": "any build", "gil": "GIL build",
               "free_threaded": "free-threaded build (GIL disabled)"}
_THREADS_TEXT = {"any": "any thread count", "1": "1 thread", ">=2": "2+ threads"}


class Pair(object):
    """One controlled comparison: ``subject`` vs ``reference`` (workload ids), and what the
    ratio subject time per op / reference time per op is expected to be.

    ``expected`` is a list of dicts with ``build`` ("free_threaded": a free-threaded build
    running with the GIL disabled; "gil": a default build; "any"), ``threads`` ("1", ">=2",
    "any"), optional ``python`` ("any" or a version spec such as ">=3.14") and ``ratio``
    ("higher", "lower", "equal"). A free-threaded build run with the GIL enabled matches
    only "any" entries.
    """

    def __init__(self, pair_id, subject, reference, expected):
        self.id = pair_id
        self.subject = subject
        self.reference = reference
        self.expected = [{"build": e.get("build", "any"), "threads": e.get("threads", "any"),
                          "python": e.get("python", "any"), "ratio": e["ratio"]}
                         for e in expected]

    def side(self, role):
        """The ``pair`` class attribute of the workload playing ``role``."""
        if role not in ("subject", "reference"):
            raise ValueError(role)
        other = self.reference if role == "subject" else self.subject
        return {"id": self.id, "role": role, "other": other,
                "expected": [dict(e) for e in self.expected]}

    def sentence(self):
        """The sentence both docstrings contain, word for word (whitespace aside)."""
        cases = []
        for e in self.expected:
            case = "{}, {}".format(_BUILD_TEXT[e["build"]], _THREADS_TEXT[e["threads"]])
            if e["python"] != "any":
                case += ", Python {}".format(e["python"])
            cases.append("{}: {}".format(case, e["ratio"]))
        return ("Pair {}: ratio = time per operation of {} (subject) over {} (reference). "
                "Expected ratio: {}.".format(self.id, self.subject, self.reference,
                                             "; ".join(cases)))


# --- untimed helpers -------------------------------------------------------------------------

_gc_lock = threading.Lock()
_gc_state = {"depth": 0, "was_enabled": False}


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic collector while building a large input.

    The free-threaded collector is not generational: collections triggered while ~10**6
    containers are built rescan all of them (seconds of set-up instead of a fraction of a
    second). Workers may build their inputs at the same time in ``setup_thread``: the
    collector is re-enabled (if it was enabled) when the last of them is done."""
    with _gc_lock:
        if _gc_state["depth"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] -= 1
            if _gc_state["depth"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


#: serialises buffer exports of one bytearray: before 3.14 bytearray's export count is a
#: plain int, so two threads exporting at once could lose an update.
_export_lock = threading.Lock()


def new_buffer_view(buf):
    """A new memoryview of the bytearray ``buf``, made (and so owned) by the calling thread.

    Each worker makes its own from the bytearray rather than slicing one shared memoryview:
    slicing or releasing views of one memoryview from several threads at once is not
    thread-safe on free-threaded 3.13 (it fails with "operation forbidden on released
    memoryview object"), and the shared view would be owned by the main thread."""
    with _export_lock:
        return memoryview(buf)


def immortal(obj):
    """Whether ``obj`` is immortal (PEP 683), or None where this interpreter cannot say.

    3.14 and later: ``sys._is_immortal``. Before 3.12 no object is immortal. On 64-bit 3.12
    and 3.13 an immortal object's reference count is the documented immortal value
    2**32 - 1, which ``sys.getrefcount`` returns unchanged (reference counting skips it);
    elsewhere (32-bit builds, an interpreter with neither) the answer is None."""
    probe = getattr(sys, "_is_immortal", None)
    if probe is not None:
        return bool(probe(obj))
    if sys.version_info < (3, 12):
        return False
    if sys.maxsize > 2 ** 32 and sys.version_info[:2] in ((3, 12), (3, 13)):
        return sys.getrefcount(obj) == 2 ** 32 - 1
    return None
