"""``run-script``: any plain Python script as a (weak-scaling) workload.

The region is the script body: each iteration executes it once per thread, all threads
released together. One operation is one run of the script, so ``ops = threads``.

Why not simply ``runpy.run_path`` per run: it re-reads and re-compiles the file on every
call (compilation would be inside the timed region), and it swaps the process-global
``sys.modules['__main__']`` and ``sys.argv[0]`` around each call, which races when several
threads run the script at once. So the file is compiled once, before the timed region, the
way runpy compiles it, and every run executes that code object in a fresh ``__main__``
namespace with the globals runpy would set. The one visible difference: the namespace is
not installed as ``sys.modules['__main__']`` (it cannot be, for N concurrent runs).
"""

import ast
import builtins
import io
import os
import sys
import types

from .suite import WorkloadError
from .workload import WEAK, Workload


class ScriptFailed(Exception):
    """The script ended with a non-zero ``SystemExit``."""


def _compile(path):
    with io.open_code(path) as source_file:  # io.open_code honours audit hooks, like runpy
        source = source_file.read()
    tree = ast.parse(source, path)
    return compile(tree, path, "exec", dont_inherit=True), ast.get_docstring(tree) or ""


class ScriptWorkload(Workload):
    scaling = WEAK
    op_name = "script run"

    def __init__(self, path, code, args):
        self.path = path
        self.code = code
        self.args = list(args)
        # --diagnose only: a context manager factory (index, globals) around each run.
        self.run_context = None

    def setup(self, threads, size):
        # What `python PATH ARGS...` would give the script: its argv and its folder first on
        # sys.path (so sibling imports work). FTBENCH_THREADS tells it how many copies run.
        sys.argv = [self.path] + self.args
        sys.path.insert(0, os.path.dirname(self.path))
        os.environ["FTBENCH_THREADS"] = str(threads)

    def run_thread(self, index):
        module = types.ModuleType("__main__")
        module.__dict__.update(__file__=self.path, __cached__=None, __loader__=None,
                               __package__=None, __spec__=None, __builtins__=builtins)
        try:
            if self.run_context is None:
                exec(self.code, module.__dict__)
            else:
                with self.run_context(index, module.__dict__):
                    exec(self.code, module.__dict__)
        except SystemExit as exc:
            if exc.code is None or exc.code == 0:  # sys.exit(), sys.exit(0): a normal end
                return
            raise ScriptFailed("script exited with status {!r}".format(exc.code)) from exc

    def ops(self, threads, size):
        return threads


class ScriptSpec:
    """The ``run-script`` counterpart of :class:`ftbench.suite.WorkloadSpec`."""

    kind = "script"
    scaling = ScriptWorkload.scaling
    pair = None
    op_name = ScriptWorkload.op_name
    tags = []
    sizes = {}

    def __init__(self, path, args):
        self.path = os.path.abspath(path)
        self.id = self.path
        self.args = list(args)
        if not os.path.isfile(self.path):
            raise WorkloadError("script {} does not exist (run-script takes a .py file)".format(path))
        try:
            self.code, self.doc = _compile(self.path)
        except (SyntaxError, ValueError, OSError) as exc:
            raise WorkloadError("cannot compile {}: {}".format(self.path, exc))

    def resolve_size(self, size_arg):
        return None, None  # a script has no size parameter

    def instantiate(self):
        return ScriptWorkload(self.path, self.code, self.args)
