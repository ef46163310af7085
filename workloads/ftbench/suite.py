"""Finding, loading and describing workloads.

A *suite* workload is ``<suite-dir>/<id>.py`` (``memory/ordering/false_sharing_padded``); a
*file* workload is any ``.py`` file given by path (test fixtures, users' own classes). Both
define ``WORKLOAD = SomeWorkloadSubclass``. Files and folders whose names start with ``_``
or ``.`` are never workloads, so a suite can keep helper modules beside its workloads.

Suite modules are imported as submodules of a synthetic package ``ftbench_suite`` whose
``__path__`` is the suite folder, so a workload may use relative imports of its helpers
(``from .._shared import make_buffer``) and works unchanged with ``--suite-dir``.
"""

import importlib
import importlib.machinery
import importlib.util
import inspect
import os
import re
import sys
import traceback

from .workload import (PAIR_BUILDS, PAIR_RATIOS, PAIR_ROLES, PAIR_THREADS, SCALING_LABELS,
                       Workload)

SUITE_PACKAGE = "ftbench_suite"
_ID_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# "any", or comma-separated comparisons with a major.minor version: ">=3.14", ">=3.13,<3.15"
_PYTHON_SPEC = re.compile(r"^(any|(?:<=|>=|<|>|==)\d+\.\d+(?:,(?:<=|>=|<|>|==)\d+\.\d+)*)$")


class WorkloadError(Exception):
    """A workload cannot be found, imported or does not honour the contract."""

    def __init__(self, message, details=None):
        super().__init__(message)
        self.details = details  # a formatted traceback when an import raised


def default_suite_dir():
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "suite")


class WorkloadSpec:
    """A loaded workload class plus what the harness reports about it."""

    kind = "suite"

    def __init__(self, workload_id, path, cls):
        self.id = workload_id
        self.path = path
        self.cls = cls
        self.scaling = cls.scaling
        self.pair = _copy_pair(cls.pair)
        self.tags = list(cls.tags)
        self.op_name = cls.op_name
        self.sizes = dict(cls.sizes)
        self.doc = _docstring(cls)

    @property
    def summary(self):
        return summary_of(self.doc)

    def resolve_size(self, size_arg):
        """Map ``--size`` (a preset name the workload defines, or a positive int) to
        ``(size, preset)``; preset is None for an explicit int."""
        if size_arg in self.sizes:
            return self.sizes[size_arg], size_arg
        try:
            size = int(size_arg)
        except (TypeError, ValueError):
            raise WorkloadError("size {!r} is neither a preset of {} ({}) nor an integer".format(
                size_arg, self.id, ", ".join(sorted(self.sizes))))
        if size <= 0:
            raise WorkloadError("size must be positive, got {}".format(size))
        return size, None

    def instantiate(self):
        return self.cls()

    def describe(self):
        """The entry ``list --json`` prints for this workload (shape in PROTOCOL.md)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "path": self.path,
            "scaling": self.scaling,
            "pair": self.pair,
            "tags": self.tags,
            "op_name": self.op_name,
            "sizes": self.sizes,
            "summary": self.summary,
            "doc": self.doc,
        }


def summary_of(doc):
    """First paragraph of a docstring, on one line."""
    paragraph = doc.strip().split("\n\n", 1)[0] if doc else ""
    return " ".join(paragraph.split())


def _docstring(cls):
    # The class's own docstring; else the module's (a workload file often documents itself
    # at module level). Workload's own docstring-less base never leaks in.
    doc = cls.__dict__.get("__doc__")
    if not doc:
        doc = getattr(sys.modules.get(cls.__module__), "__doc__", None)
    return inspect.cleandoc(doc) if doc else ""


def _copy_pair(pair):
    """A JSON-ready copy of a pair declaration (validated by :func:`pair_problems`)."""
    if pair is None:
        return None
    return {"id": pair["id"], "role": pair["role"], "other": pair["other"],
            "expected": [{key: entry.get(key, "any") for key in ("build", "threads", "python", "ratio")}
                         for entry in pair["expected"]]}


def pair_problems(pair):
    """Ways a ``pair`` declaration breaks its shape (workload.py, PROTOCOL.md section 6)."""
    if pair is None:
        return []
    if not isinstance(pair, dict):
        return ["pair must be None or a dict, not {!r}".format(pair)]
    problems = []
    for key in ("id", "other"):
        if not isinstance(pair.get(key), str) or not pair.get(key):
            problems.append("pair[{!r}] must be a non-empty string".format(key))
    if pair.get("role") not in PAIR_ROLES:
        problems.append("pair['role'] must be one of {}".format(", ".join(PAIR_ROLES)))
    expected = pair.get("expected")
    if not isinstance(expected, (list, tuple)) or not expected:
        return problems + ["pair['expected'] must be a non-empty list"]
    allowed = {"build": PAIR_BUILDS, "threads": PAIR_THREADS, "ratio": PAIR_RATIOS}
    for n, entry in enumerate(expected):
        if not isinstance(entry, dict) or "ratio" not in entry:
            problems.append("pair['expected'][{}] must be a dict with a 'ratio'".format(n))
            continue
        unknown = set(entry) - {"build", "threads", "python", "ratio"}
        if unknown:
            problems.append("pair['expected'][{}] has unknown keys {}".format(n, sorted(unknown)))
        for key, values in allowed.items():
            if entry.get(key, "any") not in values:
                problems.append("pair['expected'][{}][{!r}] must be one of {}".format(
                    n, key, ", ".join(values)))
        if not isinstance(entry.get("python", "any"), str) or \
                not _PYTHON_SPEC.match(entry.get("python", "any")):
            problems.append("pair['expected'][{}]['python'] must be 'any' or a version spec "
                            "such as '>=3.14' or '>=3.13,<3.15'".format(n))
    return problems


def contract_problems(cls):
    """Ways ``cls`` breaks the contract in workload.py; empty when it is usable."""
    problems = []
    if cls.scaling not in SCALING_LABELS:
        problems.append("scaling must be one of {}, not {!r}".format(
            ", ".join(repr(label) for label in SCALING_LABELS), cls.scaling))
    problems.extend(pair_problems(cls.pair))
    if isinstance(cls.tags, str) or not all(isinstance(t, str) for t in cls.tags):
        problems.append("tags must be a sequence of strings, not {!r}".format(cls.tags))
    if not isinstance(cls.op_name, str) or not cls.op_name:
        problems.append("op_name must be a non-empty string")
    sizes = cls.sizes
    if not isinstance(sizes, dict) or not {"default", "quick"} <= set(sizes):
        problems.append("sizes must be a dict with at least 'default' and 'quick'")
    elif not all(type(v) is int and v > 0 for v in sizes.values()):
        problems.append("every size must be a positive int: {!r}".format(sizes))
    for method in ("run_thread", "ops"):
        if getattr(cls, method) is getattr(Workload, method):
            problems.append("does not define {}()".format(method))
    return problems


def _workload_class(module, where):
    cls = getattr(module, "WORKLOAD", None)
    if cls is None:
        raise WorkloadError("{} defines no WORKLOAD (add `WORKLOAD = YourClass`)".format(where))
    if not (isinstance(cls, type) and issubclass(cls, Workload)):
        raise WorkloadError("{}: WORKLOAD must be a subclass of ftbench.workload.Workload, "
                            "got {!r}".format(where, cls))
    problems = contract_problems(cls)
    if problems:
        raise WorkloadError("{}: {}".format(where, "; ".join(problems)))
    return cls


def _import(action, where):
    try:
        return action()
    except WorkloadError:
        raise
    except BaseException as exc:  # SyntaxError, ImportError, SystemExit from module code...
        raise WorkloadError("importing {} failed: {}: {}".format(where, type(exc).__name__, exc),
                            traceback.format_exc())


# --- suite workloads ------------------------------------------------------------------------

def _suite_package(suite_dir):
    root = os.path.abspath(suite_dir)
    package = sys.modules.get(SUITE_PACKAGE)
    if package is not None:
        if list(package.__path__) != [root]:
            raise WorkloadError("suite package already bound to {}".format(list(package.__path__)))
        return
    spec = importlib.machinery.ModuleSpec(SUITE_PACKAGE, None, is_package=True)
    spec.submodule_search_locations = [root]
    sys.modules[SUITE_PACKAGE] = importlib.util.module_from_spec(spec)


def check_suite_id(workload_id):
    parts = workload_id.split("/")
    if not all(_ID_PART.match(p) for p in parts):
        raise WorkloadError("invalid workload id {!r}: expected slash-separated names of "
                            "letters, digits, '_' and '-', none starting with '_'".format(workload_id))


def load_suite(workload_id, suite_dir):
    check_suite_id(workload_id)
    path = os.path.join(os.path.abspath(suite_dir), *workload_id.split("/")) + ".py"
    if not os.path.isfile(path):
        raise WorkloadError("no workload {!r}: {} does not exist".format(workload_id, path))
    _suite_package(suite_dir)
    module_name = SUITE_PACKAGE + "." + workload_id.replace("/", ".")
    module = _import(lambda: importlib.import_module(module_name), path)
    return WorkloadSpec(workload_id, path, _workload_class(module, path))


def discover(suite_dir):
    """Sorted ids of every workload file under ``suite_dir``."""
    root = os.path.abspath(suite_dir)
    ids = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
        for name in files:
            if name.endswith(".py") and not name.startswith(("_", ".")):
                rel = os.path.relpath(os.path.join(folder, name[:-3]), root)
                ids.append(rel.replace(os.sep, "/"))
    return sorted(ids)


def load_all(suite_dir):
    """``(specs, errors)`` for the whole suite; a broken workload never hides the others."""
    specs, errors = [], []
    for workload_id in discover(suite_dir):
        try:
            specs.append(load_suite(workload_id, suite_dir))
        except WorkloadError as exc:
            errors.append({"id": workload_id, "message": str(exc), "traceback": exc.details})
    return specs, errors


# --- file workloads -------------------------------------------------------------------------

def load_file(path):
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise WorkloadError("workload file {} does not exist".format(path))
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    module_name = "ftbench_file_" + stem
    # Like running a script: the file's folder comes first on sys.path so it can import
    # its sibling modules.
    sys.path.insert(0, os.path.dirname(path))

    def run_module():
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # registered first: dataclasses/pickle look it up
        spec.loader.exec_module(module)
        return module

    module = _import(run_module, path)
    return WorkloadSpec(path, path, _workload_class(module, path))


def resolve(name, suite_dir):
    """A name ending in ``.py`` is a file path; anything else is a suite id."""
    if name.endswith(".py"):
        return load_file(name)
    return load_suite(name, suite_dir)
