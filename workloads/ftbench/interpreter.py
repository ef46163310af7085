"""Facts about the running interpreter, as reported in ``hello`` and standalone summaries.

Everything here is cheap and side-effect free: it runs before ``hello``, i.e. before the
orchestrator attaches its counters, so it must not start threads or subprocesses.
"""

import os
import platform
import sys
import sysconfig


def free_threaded_build():
    """True for a ``--disable-gil`` (free-threaded) build, whatever the GIL's state now."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled():
    """Whether the GIL is enabled right now.

    On a free-threaded build the GIL can be switched on at start-up (``PYTHON_GIL=1``,
    ``-X gil=1``) and *at run time*, when an extension module that does not declare
    free-threading support is imported; so callers re-read this after each iteration.
    Interpreters without ``sys._is_gil_enabled`` (those older than the first free-threaded
    release) always have a GIL.
    """
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


def os_thread_count():
    """Number of OS threads in this process (Linux), or None where it cannot be read.

    Reported in ``hello``: the orchestrator's inherit-mode counters only follow threads
    created after it attaches, so a workload whose import started native threads (a BLAS
    pool, say) is visible here as a count above 1.
    """
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def process_cpu_count():
    """CPUs this process may run on (affinity-aware), falling back to ``os.cpu_count()``."""
    counter = getattr(os, "process_cpu_count", None)  # newer Pythons: honours PYTHON_CPU_COUNT too
    if counter is not None:
        return counter()
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count()


def facts():
    """The ``interpreter`` object of ``hello`` (see PROTOCOL.md for each field)."""
    info = sys.version_info
    return {
        "implementation": sys.implementation.name,
        "version": platform.python_version(),
        "version_info": [info.major, info.minor, info.micro, info.releaselevel, info.serial],
        "executable": sys.executable,
        "free_threaded_build": free_threaded_build(),
        "gil_enabled": gil_enabled(),
        "configure_args": sysconfig.get_config_var("CONFIG_ARGS") or "",
        "compiler": platform.python_compiler(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        # Extras beyond the brief's list; consumers must not require them.
        "abiflags": getattr(sys, "abiflags", ""),
        "process_cpu_count": process_cpu_count(),
        "switch_interval_s": sys.getswitchinterval(),
    }


def describe(facts_):
    """One human line for standalone output: 'CPython X.Y.Z (free-threaded build, GIL disabled)'."""
    build = "free-threaded build" if facts_["free_threaded_build"] else "GIL build"
    state = "GIL enabled" if facts_["gil_enabled"] else "GIL disabled"
    return "{} {} ({}, {})".format(
        "CPython" if facts_["implementation"] == "cpython" else facts_["implementation"],
        facts_["version"], build, state)
