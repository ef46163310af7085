"""``ftbench.watch(obj, name=None)``: name what a diagnosis (``orchestrate diagnose``) watches.

A workload or script calls ``watch(obj, "name")`` on the objects and buffers whose cache
lines it suspects; the harness describes each *candidate* (address, size, and for objects
the header fields of this build) to the orchestrator when it runs with ``--diagnose``
(PROTOCOL.md, "Diagnose mode"). Outside diagnose mode ``watch()`` only records the object
(no I/O, no description), so it may be called unconditionally.

This module is imported by ``import ftbench``: it must stay light (no threads, and
``ctypes``/``sysconfig`` are imported only when a description is asked for). Everything
registered is kept alive until the process ends, so an address the orchestrator watches is
never reused by another object.

Buffers (kind ``"buffer"``: the candidate is the data, not the object): ``bytearray``,
``array.array`` (``buffer_info()``), ``memoryview`` (slices and casts included: the address
is that of the view's first byte; read-only views through ``PyObject_GetBuffer``; views that
are not contiguous get no address), ``ctypes`` instances and arrays (``addressof``/
``sizeof``). Anything else is kind ``"object"`` at ``id(obj)``, ``obj.__sizeof__()`` bytes,
with the header fields of this build and whether the object is immortal. A candidate whose
address cannot be determined is still described, with ``"address": null`` and a ``"note"``
saying why (no ctypes, not contiguous, released, empty).
"""

import sys
import _thread

MAX_CANDIDATES = 256   # per message; named candidates first
MAX_OFFSETS = 512      # written words reported per candidate and region
WORD = 8               # written words are 8-byte words aligned in absolute addresses

NAMED, AUTO = "named", "auto"

# Header fields of this build (offset from id(obj), size), 64-bit builds.
FREE_THREADED_HEADER = (("ob_tid", 0, 8), ("ob_flags", 8, 2), ("ob_mutex", 10, 1),
                        ("ob_gc_bits", 11, 1), ("ob_ref_local", 12, 4), ("ob_ref_shared", 16, 8),
                        ("ob_type", 24, 8))
DEFAULT_HEADER = (("ob_refcnt", 0, 8), ("ob_type", 8, 8))
FREE_THREADED_IMMORTAL_LOCAL = 0xFFFFFFFF   # ob_ref_local of an immortal object (3.13t+)

_facts = {}   # lazily computed: "free_threaded", "ctypes" (module or None), "ctypes_error"


def free_threaded_build():
    if "free_threaded" not in _facts:
        import sysconfig
        _facts["free_threaded"] = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    return _facts["free_threaded"]


def _ctypes():
    """The ctypes module, or None where it cannot be imported (then buffers get no address)."""
    if "ctypes" not in _facts:
        try:
            import ctypes
        except ImportError as exc:  # an interpreter built without _ctypes
            ctypes = None
            _facts["ctypes_error"] = str(exc)
        _facts["ctypes"] = ctypes
    return _facts["ctypes"]


# --- objects -------------------------------------------------------------------------------

def header_fields(obj, free_threaded=None):
    """The object header of ``obj`` on this build: [{"name", "offset", "size"}]."""
    if free_threaded is None:
        free_threaded = free_threaded_build()
    layout = FREE_THREADED_HEADER if free_threaded else DEFAULT_HEADER
    fields = [{"name": name, "offset": offset, "size": size} for name, offset, size in layout]
    # PyVarObject types add ob_size (list keeps its items elsewhere, so its __itemsize__ is 0,
    # but its header is a PyVarObject too); int's variable part is lv_tag since 3.12.
    if getattr(type(obj), "__itemsize__", 0) or isinstance(obj, list):
        name = "lv_tag" if isinstance(obj, int) and sys.version_info >= (3, 12) else "ob_size"
        end = layout[-1][1] + layout[-1][2]
        fields.append({"name": name, "offset": end, "size": 8})
    return fields


def is_immortal(obj, free_threaded=None):
    """PEP 683 immortality: ``sys._is_immortal`` where it exists (3.14+); else the header's
    marker read through ctypes (free-threaded: ob_ref_local == 0xFFFFFFFF; default build
    3.12+: the low 32 bits of ob_refcnt negative as an int32); before 3.12 nothing is."""
    probe = getattr(sys, "_is_immortal", None)
    if probe is not None:
        return bool(probe(obj))
    if sys.version_info < (3, 12):
        return False
    if free_threaded is None:
        free_threaded = free_threaded_build()
    ctypes = _ctypes()
    if ctypes is None:  # the immortal reference count reads back as 2**32 - 1 (3.12, 3.13)
        return sys.getrefcount(obj) >= 2 ** 32 - 1
    if free_threaded:
        return ctypes.c_uint32.from_address(id(obj) + 12).value == FREE_THREADED_IMMORTAL_LOCAL
    return ctypes.c_int32.from_address(id(obj)).value < 0


# --- buffers -------------------------------------------------------------------------------

def _ctypes_types(ctypes):
    return (ctypes._SimpleCData, ctypes.Array, ctypes.Structure, ctypes.Union, ctypes._Pointer)


def is_buffer(obj):
    if isinstance(obj, (bytearray, memoryview)):
        return True
    array = sys.modules.get("array")  # an array.array exists only if its module was imported
    if array is not None and isinstance(obj, array.array):
        return True
    ctypes = sys.modules.get("ctypes")
    return ctypes is not None and isinstance(obj, _ctypes_types(ctypes))


def _writable_address(ctypes, obj, size):
    """Address of a writable, C-contiguous buffer: a ctypes view on it, dropped at once (the
    export it holds would forbid resizing the bytearray)."""
    view = (ctypes.c_char * size).from_buffer(obj)
    try:
        return ctypes.addressof(view)
    finally:
        del view


_py_buffer = {}


def _any_contiguous_address(ctypes, obj):
    """Address of a read-only (or Fortran-ordered) contiguous buffer, without writing:
    ``PyObject_GetBuffer(obj, PyBUF_ANY_CONTIGUOUS)`` then ``PyBuffer_Release``."""
    if not _py_buffer:
        class PyBuffer(ctypes.Structure):
            _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p),
                        ("len", ctypes.c_ssize_t), ("itemsize", ctypes.c_ssize_t),
                        ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                        ("format", ctypes.c_char_p), ("shape", ctypes.c_void_p),
                        ("strides", ctypes.c_void_p), ("suboffsets", ctypes.c_void_p),
                        ("internal", ctypes.c_void_p)]
        get = ctypes.pythonapi.PyObject_GetBuffer
        get.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
        get.restype = ctypes.c_int
        release = ctypes.pythonapi.PyBuffer_Release
        release.argtypes = [ctypes.POINTER(PyBuffer)]
        release.restype = None
        _py_buffer.update(struct=PyBuffer, get=get, release=release)
    view = _py_buffer["struct"]()
    _py_buffer["get"](obj, ctypes.byref(view), 0x98)  # PyBUF_ANY_CONTIGUOUS; raises on failure
    try:
        return view.buf
    finally:
        _py_buffer["release"](ctypes.byref(view))


def buffer_span(obj):
    """``(address or None, size, itemsize, note or None)`` of a buffer candidate's data."""
    if isinstance(obj, memoryview):
        try:
            size, itemsize = obj.nbytes, obj.itemsize
            readonly, c_contiguous, contiguous = obj.readonly, obj.c_contiguous, obj.contiguous
        except ValueError:
            return None, 0, 1, "released memoryview"
        if not contiguous:
            return None, size, itemsize, "not contiguous: no single address range"
    elif isinstance(obj, bytearray):
        size, itemsize, readonly, c_contiguous = len(obj), 1, False, True
    elif sys.modules.get("array") is not None and isinstance(obj, sys.modules["array"].array):
        address, length = obj.buffer_info()
        return (address if length else None), length * obj.itemsize, obj.itemsize, \
            (None if length else "empty buffer")
    else:  # a ctypes instance (is_buffer said so)
        ctypes = sys.modules["ctypes"]
        size = ctypes.sizeof(obj)
        itemsize = ctypes.sizeof(obj._type_) if isinstance(obj, ctypes.Array) else size
        return ctypes.addressof(obj), size, itemsize, None
    if size == 0:
        return None, 0, itemsize, "empty buffer"
    ctypes = _ctypes()
    if ctypes is None:
        return None, size, itemsize, "no address: ctypes unavailable ({})".format(
            _facts.get("ctypes_error"))
    try:
        if not readonly and c_contiguous:
            return _writable_address(ctypes, obj, size), size, itemsize, None
        return _any_contiguous_address(ctypes, obj), size, itemsize, None
    except (TypeError, ValueError, BufferError, AttributeError, OSError) as exc:
        return None, size, itemsize, "no address: {}: {}".format(type(exc).__name__, exc)


def describe(obj, key, origin=NAMED):
    """The candidate object of the protocol (PROTOCOL.md, "Diagnose mode")."""
    candidate = {"key": key, "origin": origin}
    if is_buffer(obj):
        address, size, itemsize, note = buffer_span(obj)
        candidate.update(kind="buffer", type=type(obj).__qualname__, address=address, size=size,
                         itemsize=itemsize)
    else:
        try:
            size = obj.__sizeof__()
        except Exception:  # a type's __sizeof__ needs the type as argument, say
            size = sys.getsizeof(obj) if not isinstance(obj, type) else type.__sizeof__(obj)
        candidate.update(kind="object", type=type(obj).__qualname__, address=id(obj), size=size,
                         immortal=is_immortal(obj), fields=header_fields(obj))
        note = None
    if note is not None:
        candidate["note"] = note
    return candidate


def identity(candidate):
    """What makes two candidates the same watch target: (address, size, kind)."""
    if candidate["address"] is None:
        return ("key", candidate["key"])
    return (candidate["address"], candidate["size"], candidate["kind"])


# --- written words -------------------------------------------------------------------------

def word_span(address, size):
    """The 8-byte-aligned absolute range covering [address, address + size)."""
    start = address - address % WORD
    end = address + size
    end += (-end) % WORD
    return start, end - start


def read_words(obj, address, size):
    """``(start, bytes)`` of the aligned words covering a buffer's data, or None."""
    if address is None or size <= 0:
        return None
    start, length = word_span(address, size)
    ctypes = _ctypes()
    if ctypes is not None:
        return start, ctypes.string_at(start, length)
    # No ctypes (an array.array still has an address): its own bytes, padded with zeros to
    # whole words; bytes outside the buffer then never look written.
    try:
        data = memoryview(obj).tobytes()
    except (TypeError, ValueError):
        return None
    return start, bytes(address - start) + data + bytes(length - (address - start) - len(data))


def written_offsets(before, after, start, address, limit=MAX_OFFSETS):
    """Offsets (word address - ``address``) of the 8-byte words that differ between two
    readings of the aligned range at ``start``; ``(offsets, truncated)``."""
    offsets = []
    block = 4096
    length = min(len(before), len(after))
    for first in range(0, length, block):
        if before[first:first + block] == after[first:first + block]:
            continue
        for word in range(first, min(first + block, length), WORD):
            if before[word:word + WORD] != after[word:word + WORD]:
                if len(offsets) == limit:
                    return offsets, True
                offsets.append(start + word - address)
    return offsets, False


# --- automatic candidates ------------------------------------------------------------------

def _skipped(value):
    """Modules, functions, classes, methods, None, bools, immortal ints/floats/strs, and
    buffers without an address (released or empty views, say: nothing to watch)."""
    import types
    if value is None or isinstance(value, bool) or isinstance(value, (
            types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
            types.MethodWrapperType, types.WrapperDescriptorType, types.MethodDescriptorType,
            types.ClassMethodDescriptorType, type, staticmethod, classmethod, property)):
        return True
    if is_buffer(value):
        return buffer_span(value)[0] is None
    return isinstance(value, (int, float, str)) and is_immortal(value)


MAX_ELEMENTS = 4 * MAX_CANDIDATES  # elements looked at per list/tuple/dict


def instance_namespace(instance):
    """A workload instance's attributes: ``vars()``, plus ``__slots__`` values."""
    namespace = dict(getattr(instance, "__dict__", {}))
    for cls in type(instance).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in ([slots] if isinstance(slots, str) else slots):
            if name not in namespace and name not in ("__dict__", "__weakref__") \
                    and hasattr(instance, name):
                namespace[name] = getattr(instance, name)
    return namespace


def scan(namespace, prefix="", suffix="", exclude_ids=(), limit=MAX_CANDIDATES):
    """Automatic candidates of a namespace (a workload's ``vars(self)``, a script's globals):
    ``[(key, value)]`` for each value and, one level down, the elements of list/tuple values
    (``<name>[i]``) and dict values (``<name>[<repr key>]``, the first ``MAX_ELEMENTS`` of
    each); dunder names, skipped values and ids in ``exclude_ids`` are left out; at most
    ``limit`` (then ``truncated``). Returns ``(found, truncated)``."""
    import itertools
    found, seen = [], set(exclude_ids)

    def consider(key, value):
        if id(value) in seen or _skipped(value):
            return True
        if len(found) == limit:
            return False
        seen.add(id(value))
        found.append((key + suffix, value))
        return True

    for name, value in list(namespace.items()):
        if not isinstance(name, str) or (name.startswith("__") and name.endswith("__")):
            continue
        key = prefix + name
        if not consider(key, value):
            return found, True
        if isinstance(value, (list, tuple)):
            items = [("{}[{}]".format(key, i), item)
                     for i, item in enumerate(list(value[:MAX_ELEMENTS]))]
        elif isinstance(value, dict):
            items = [("{}[{!r}]".format(key, k), item)
                     for k, item in list(itertools.islice(value.items(), MAX_ELEMENTS))]
        else:
            items = []
        for item_key, item in items:
            if not consider(item_key, item):
                return found, True
    return found, False


# --- the registry --------------------------------------------------------------------------

class Entry:
    __slots__ = ("key", "origin", "obj", "source", "order")

    def __init__(self, key, origin, obj, source, order):
        self.key, self.origin, self.obj, self.source, self.order = key, origin, obj, source, order


class Registry:
    """Everything registered in this process, by key (a later registration of a key replaces
    the earlier one: a script's next run re-registers its objects under the same keys).
    Every object ever registered stays referenced until the process ends."""

    def __init__(self):
        self._lock = _thread.allocate_lock()
        self._entries = {}
        self._keep = []
        self._order = 0
        self._names = 0

    def default_name(self):
        with self._lock:
            name = "watch#{}".format(self._names)
            self._names += 1
            return name

    def add(self, obj, key, origin=NAMED, source=None):
        with self._lock:
            self._keep.append(obj)
            self._entries.pop(key, None)
            entry = Entry(key, origin, obj, source, self._order)
            self._order += 1
            self._entries[key] = entry
            return entry

    def remember(self, obj, key=None):
        """Outside diagnose mode: record without keeping every object alive, and stop at
        MAX_CANDIDATES keys (a script calling watch() in every run must not grow the process).
        One lock round and an early return once full: this may run inside a timed region."""
        if key is None and len(self._entries) >= MAX_CANDIDATES:
            return  # full: unnamed calls can only add keys (an unlocked read is enough to give up)
        with self._lock:
            if key is None:
                key = "watch#{}".format(self._names)
                self._names += 1
            if key not in self._entries and len(self._entries) >= MAX_CANDIDATES:
                return
            self._entries.pop(key, None)
            self._entries[key] = Entry(key, NAMED, obj, None, self._order)
            self._order += 1

    def drop(self, source):
        """Forget the entries of one automatic source (their objects stay alive)."""
        with self._lock:
            for key in [k for k, e in self._entries.items() if e.source == source]:
                del self._entries[key]

    def entries(self):
        """Named entries first, then automatic ones, each in registration order."""
        with self._lock:
            entries = list(self._entries.values())
        return sorted(entries, key=lambda e: (e.origin != NAMED, e.order))

    def ids(self):
        with self._lock:
            return {id(e.obj) for e in self._entries.values()}

    def candidates(self, limit=MAX_CANDIDATES):
        """``([(entry, candidate)], truncated)``: described, deduplicated by (address, size,
        kind), named first, at most ``limit``."""
        described, seen = [], set()
        for entry in self.entries():
            candidate = describe(entry.obj, entry.key, entry.origin)
            if identity(candidate) in seen:
                continue
            if len(described) == limit:
                return described, True
            seen.add(identity(candidate))
            described.append((entry, candidate))
        return described, False


REGISTRY = Registry()

#: set by the harness in diagnose mode (ftbench.diagnose.Diagnosis): names per script run,
#: the rendezvous with the orchestrator inside a region.
_hook = None


def watch(obj, name=None):
    """Register ``obj`` as a candidate for ``orchestrate diagnose`` and return it.

    ``name`` (default ``"watch#<n>"``, n = call order in this process, or in this script run
    for ``run-script``) is the candidate's key in the report. Buffers (bytearray,
    array.array, memoryview, ctypes data) are watched as their bytes, anything else as its
    object header. The object is kept alive until the process ends. Outside
    ``--diagnose`` runs this only records the object: cheap, no I/O, and bounded (at most
    MAX_CANDIDATES entries, none kept beyond its entry), so a timed run that calls it on
    every run of a script does not grow."""
    if name is not None and not isinstance(name, str):
        raise TypeError("watch() name must be a str or None, not {}".format(type(name).__name__))
    hook = _hook
    if hook is not None:
        hook.watch(obj, name)
    else:
        REGISTRY.remember(obj, name)
    return obj
