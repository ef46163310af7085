"""Helpers for the suite tests: find, load and drive workload modules without the harness.

Not a test module (the leading underscore keeps it out of ``suite_*.py`` discovery).
"""
import importlib.machinery
import importlib.util
import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORKLOADS_DIR = os.path.join(REPO, "workloads")
SUITE_DIR = os.path.join(WORKLOADS_DIR, "suite")

if WORKLOADS_DIR not in sys.path:
    sys.path.insert(0, WORKLOADS_DIR)

from ftbench import workload as contract  # noqa: E402  (needs WORKLOADS_DIR on sys.path)

#: ids the product promises (README paths, the lock-pattern split, the scaling set).
REQUIRED_IDS = (
    "baseline/cpu", "baseline/memory", "baseline/thread_creation",
    "bytecode/dispatch", "bytecode/load_const", "bytecode/load_string_const",
    "bytecode/function_call", "bytecode/dict_access",
    "gil/contention",
    "gil/lock_patterns/shared_lock", "gil/lock_patterns/per_thread_lock",
    "gil/lock_patterns/try_spin",
    "memory/ordering/sequential", "memory/ordering/strided",
    "memory/ordering/alignment", "memory/ordering/alignment_misaligned",
    "memory/ordering/false_sharing_baseline", "memory/ordering/false_sharing_padded",
    "memory/ref_counting/thread_local", "memory/ref_counting/cross_thread",
    "specialization/dynamic_operations", "specialization/typed_operations",
    "scaling/object_creation", "scaling/pymethod_call", "scaling/pyfunction_call",
    "scaling/cmethod_call", "scaling/dict_ops", "scaling/list_ops", "scaling/generator",
    "scaling/closure", "scaling/thread_local_read", "scaling/object_churn_per_thread",
    "scaling/object_churn_shared", "scaling/lock_contention", "scaling/parallel_compute",
)

#: pairs that must report identical ops() for the same threads and size.
PAIRS = (
    ("memory/ordering/false_sharing_baseline", "memory/ordering/false_sharing_padded"),
    ("memory/ordering/sequential", "memory/ordering/strided"),
    ("memory/ordering/alignment", "memory/ordering/alignment_misaligned"),
    ("specialization/typed_operations", "specialization/dynamic_operations"),
    ("memory/ref_counting/thread_local", "memory/ref_counting/cross_thread"),
    ("scaling/object_churn_per_thread", "scaling/object_churn_shared"),
    ("gil/lock_patterns/shared_lock", "gil/lock_patterns/per_thread_lock"),
    ("gil/lock_patterns/shared_lock", "gil/lock_patterns/try_spin"),
    ("bytecode/load_const", "bytecode/load_string_const"),
)


def discover_ids():
    """Every workload id under workloads/suite (path without .py; '_'-prefixed files skipped)."""
    ids = []
    for root, dirs, files in os.walk(SUITE_DIR):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.endswith(".py") and not name.startswith("_"):
                rel = os.path.relpath(os.path.join(root, name[:-3]), SUITE_DIR)
                ids.append(rel.replace(os.sep, "/"))
    return sorted(ids)


_modules = {}
_PACKAGE = "ftbench_suite_test"


def _suite_package():
    # Like ftbench.suite: suite modules are submodules of a package rooted at the suite
    # folder, so their relative imports of helper modules (``from .._shared import x``) work.
    if _PACKAGE not in sys.modules:
        spec = importlib.machinery.ModuleSpec(_PACKAGE, None, is_package=True)
        spec.submodule_search_locations = [SUITE_DIR]
        sys.modules[_PACKAGE] = importlib.util.module_from_spec(spec)


def load(workload_id):
    """Import workloads/suite/<id>.py (cached) and return the module; an id may also name a
    helper module (``memory/ordering/_walk``)."""
    mod = _modules.get(workload_id)
    if mod is None:
        _suite_package()
        path = os.path.join(SUITE_DIR, *workload_id.split("/")) + ".py"
        name = _PACKAGE + "." + workload_id.replace("/", ".")
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _modules[workload_id] = mod
    return mod


def new_instance(workload_id):
    return load(workload_id).WORKLOAD()


def drive(wl, threads, size, iterations=2, timeout=120.0):
    """Run ``wl`` the way the harness does: setup, persistent workers that each run
    setup_thread(index) before the first release, released together by a barrier each
    iteration, before_iteration untimed before each release. teardown is not called, so
    tests can inspect state. Raises the first worker exception."""
    wl.threads, wl.size = threads, size
    wl.setup(threads, size)
    prepared = threading.Barrier(threads + 1, timeout=timeout)
    go = threading.Barrier(threads + 1, timeout=timeout)
    done = threading.Barrier(threads + 1, timeout=timeout)
    state = {"stop": False}
    errors = []

    def worker(index):
        try:
            try:
                wl.setup_thread(index)
            except BaseException as exc:  # reported by the main thread
                errors.append((index, exc))
            prepared.wait()
            while True:
                go.wait()
                if state["stop"]:
                    return
                try:
                    wl.run_thread(index)
                except BaseException as exc:  # reported by the main thread
                    errors.append((index, exc))
                done.wait()
        except threading.BrokenBarrierError:
            return

    workers = [threading.Thread(target=worker, args=(i,), name="ftbench-test-%d" % i)
               for i in range(threads)]
    for t in workers:
        t.start()
    try:
        prepared.wait()     # every setup_thread has returned (or raised)
        for k in range(iterations):
            if errors:      # a setup_thread failed: run nothing
                break
            wl.before_iteration(k)
            go.wait()
            done.wait()
            if errors:
                break
        state["stop"] = True
        go.wait()
    except BaseException:
        prepared.abort()
        go.abort()
        done.abort()
        raise
    finally:
        for t in workers:
            t.join(timeout)
    if errors:
        index, exc = errors[0]
        raise AssertionError("worker %d raised %r" % (index, exc)) from exc
    return wl


def quick_size(workload_id):
    return load(workload_id).WORKLOAD.sizes["quick"]
