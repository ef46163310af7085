"""Each workload's docstring against its code: the claims that can be checked are checked.

Every suite docstring states, in fixed forms (workloads/SUITE.md, "Conventions"):

* ``Hot objects:`` who creates the objects the timed loop uses: "created by each worker in
  setup_thread()", "created by the main thread in setup()", "created at import by the main
  thread", or "none ...". Checked by running the workload with its own worker threads, set
  up one at a time: objects claimed for setup_thread must not exist after setup() and must
  appear, for worker i only, when worker i has run setup_thread(i); objects claimed for
  setup() must exist after it. On free-threaded builds the owner recorded in each object
  (``ob_tid``, the first field of PyObject; CPython stores ``_Py_ThreadId()``, the thread's
  TLS base, not its TID) is compared with the same value read from a fresh object made by
  the claimed thread; on GIL builds the set-up order above is the proof. The timed loop must
  use the first hot object (it is among the locals of the frame running the loop).
* ``Scaling: <label>`` equals the class's ``scaling``.
* ``Operation: ...; ops = <expression in threads and size>`` (names other than threads and
  size defined in the text as "with NAME = value", and equal to the code's constant):
  the expression equals ``ops(threads, size)``; and the loop does that many operations:
  lines of the timed code marked ``# op`` (``# op*N``) are counted with a line tracer in
  each worker while it runs ``run_thread``.
* the pair sentence (``Pair <id>: ratio = ...``) rendered from the class's ``pair`` data is
  in the docstring, word for word, on both sides of the pair.

ClaimsCheckerCatchesPlantedMismatches proves the checks fail when a docstring and its code
disagree.
"""
import ctypes
import os
import re
import sys
import sysconfig
import textwrap
import threading
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _suite_support as support  # noqa: E402

contract = support.contract
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))

SETUP_THREAD, SETUP, IMPORT, NONE = "setup_thread", "setup", "import", "none"
_CREATOR_FORMS = ((SETUP_THREAD, "created by each worker in setup_thread()"),
                  (SETUP, "created by the main thread in setup()"),
                  (IMPORT, "created at import by the main thread"))
_LOOSE_WORKER_CLAIM = re.compile(r"(?i)\b(?:created|made|built) (?:in|inside|by) "
                                 r"(?:the|each|its own) worker")
_OP_MARK = re.compile(r"#\s*op(?:\*(\w+))?(?![\w])")


# --- reading the docstring ----------------------------------------------------------------

def _paragraph(doc, label):
    """The text from a line starting with ``label`` to the end of its paragraph (or to the
    next line starting with a capitalised "Word:" label), on one line; None if absent."""
    match = re.search(r"(?ms)^" + re.escape(label) + r"(.*?)(?=\n\s*\n|\n[A-Z][a-z]+( [a-z]+)?:|\Z)",
                      doc.strip())
    return None if match is None else " ".join((label + match.group(1)).split())


def hot_objects_claim(doc):
    """(claim, problem): claim is SETUP_THREAD, SETUP, IMPORT or NONE."""
    paragraph = _paragraph(doc, "Hot objects:")
    if paragraph is None:
        return None, "no 'Hot objects:' paragraph"
    text = paragraph[len("Hot objects:"):].strip()
    if text.lower().startswith("none"):
        return NONE, None
    first_sentence = re.split(r"(?<=[a-z)])\.\s", text, maxsplit=1)[0]
    found = [(first_sentence.find(form), claim) for claim, form in _CREATOR_FORMS
             if form in first_sentence]
    if not found:
        return None, ("the first sentence of 'Hot objects:' names no creator in a checkable form "
                      "({}): {!r}".format("; ".join(f for _, f in _CREATOR_FORMS), first_sentence))
    return min(found)[1], None


def scaling_claim(doc):
    match = re.search(r"(?m)^Scaling:\s*(\w+)", doc)
    return match.group(1) if match else None


def ops_claim(doc):
    """(expression, {name: value}) from the Operation paragraph, or (None, {})."""
    paragraph = _paragraph(doc, "Operation:")
    if paragraph is None:
        return None, {}
    match = re.search(r"\bops\s*=\s*([A-Za-z0-9_ *+/()-]+?)(?=\s+per iteration|\s*\(|\s*[,;]|\.\s|\.$)",
                      paragraph)
    if not match:
        return None, {}
    names = {name: int(value) for name, value in
             re.findall(r"\bwith ([A-Z][A-Z0-9_]*) = (\d+)", paragraph)}
    return match.group(1).strip(), names


_BUILD_TEXT = {"any": "any build", "gil": "GIL build",
               "free_threaded": "free-threaded build (GIL disabled)"}
_THREADS_TEXT = {"any": "any thread count", "1": "1 thread", ">=2": "2+ threads"}


def pair_sentence(workload_id, pair):
    """The sentence a docstring must contain for ``pair`` (the class's data), rendered here
    independently of the suite's helper."""
    subject, reference = ((workload_id, pair["other"]) if pair["role"] == "subject"
                          else (pair["other"], workload_id))
    cases = []
    for e in pair["expected"]:
        case = "{}, {}".format(_BUILD_TEXT[e.get("build", "any")], _THREADS_TEXT[e.get("threads", "any")])
        if e.get("python", "any") != "any":
            case += ", Python {}".format(e["python"])
        cases.append("{}: {}".format(case, e["ratio"]))
    return ("Pair {}: ratio = time per operation of {} (subject) over {} (reference). "
            "Expected ratio: {}.".format(pair["id"], subject, reference, "; ".join(cases)))


def static_problems(workload_id, module, cls):
    """What the docstring claims that disagrees with the class, checked without running it."""
    doc = module.__doc__ or ""
    problems = []
    scaling = scaling_claim(doc)
    if scaling != cls.scaling:
        problems.append("docstring says 'Scaling: {}', the class says {!r}".format(scaling, cls.scaling))
    expression, names = ops_claim(doc)
    if expression is None:
        problems.append("the Operation paragraph states no 'ops = <expression>'")
    else:
        code_values = _module_constants(module)
        for name, value in names.items():
            if name in code_values and code_values[name] != value:
                problems.append("docstring says {} = {}, the code has {}".format(name, value, code_values[name]))
            elif name not in code_values:
                problems.append("docstring defines {}, which the code does not".format(name))
        wl = cls()
        for threads in (1, 2, 3, 8):
            for size in sorted(set(cls.sizes.values())):
                try:
                    claimed = eval(expression, {"__builtins__": {}},
                                   dict(names, threads=threads, size=size))
                except Exception as exc:
                    problems.append("ops = {} does not evaluate: {}".format(expression, exc))
                    break
                if claimed != wl.ops(threads, size):
                    problems.append("docstring says ops = {} = {} at threads={}, size={}; ops() "
                                    "returns {}".format(expression, claimed, threads, size,
                                                        wl.ops(threads, size)))
                    break
    claim, problem = hot_objects_claim(doc)
    if problem:
        problems.append(problem)
    if _LOOSE_WORKER_CLAIM.search(doc) and claim != SETUP_THREAD:
        problems.append("the docstring says objects are created in/by the worker, but its "
                        "'Hot objects:' claim is {!r}".format(claim))
    exposes = callable(getattr(cls, "hot_objects", None))
    if claim in (SETUP_THREAD, SETUP) and not exposes:
        problems.append("claims hot objects made in {}() but defines no hot_objects(index) to "
                        "check it with".format(claim))
    if claim in (NONE, IMPORT) and exposes:
        problems.append("defines hot_objects(index) but its docstring says {!r}".format(claim))
    if cls.pair is not None:
        normalized = " ".join(doc.split())
        sentence = pair_sentence(workload_id, cls.pair)
        if sentence not in normalized:
            problems.append("docstring lacks the pair sentence for its data: {!r}".format(sentence))
    return problems


def _module_constants(module):
    """Upper-case int constants of ``module`` and of the suite modules it imported."""
    values = {}
    sources = [module] + [v for v in vars(module).values() if isinstance(v, types.ModuleType)]
    for source in sources:
        for name, value in vars(source).items():
            if name.isupper() and type(value) is int:
                values.setdefault(name, value)
    return values


# --- running it: who creates what, how many operations --------------------------------------

def ob_tid(obj):
    """The owner field of a free-threaded build's object header (first word of PyObject)."""
    return ctypes.c_size_t.from_address(id(obj)).value


def own_tid():
    """The ob_tid value this thread writes into objects it creates."""
    probe = object()
    return ob_tid(probe)


class _Markers(object):
    """``# op`` lines of every source file, by (filename, line), plus kernels that registered
    their op lines by code object (exec()'d kernels have no file)."""

    def __init__(self, module):
        self.by_code = {}
        for value in list(vars(module).values()):
            registry = getattr(value, "OP_LINES", None)
            if isinstance(value, types.ModuleType) and isinstance(registry, dict):
                self.by_code.update(registry)
        self._files = {}
        known = list(sys.modules.values()) + [module] + [
            v for v in vars(module).values() if isinstance(v, types.ModuleType)]
        self._modules = {os.path.abspath(m.__file__): m for m in known
                         if isinstance(getattr(m, "__file__", None), str)}
        self._cache = {}

    def _file_marks(self, filename):
        marks = self._files.get(filename)
        if marks is None:
            marks = {}
            if os.path.isfile(filename) and os.path.abspath(filename).startswith(support.SUITE_DIR):
                namespace = vars(self._modules.get(os.path.abspath(filename), types.ModuleType("x")))
                with open(filename) as f:
                    for number, line in enumerate(f, 1):
                        match = _OP_MARK.search(line)
                        if match:
                            factor = match.group(1) or "1"
                            marks[number] = int(factor) if factor.isdigit() else namespace[factor]
            self._files[filename] = marks
        return marks

    def for_code(self, code):
        marks = self._cache.get(code)
        if marks is None:
            marks = self.by_code.get(code)
            if marks is None:
                in_file = self._file_marks(code.co_filename)
                lines = {line for _, _, line in code.co_lines() if line is not None} \
                    if hasattr(code, "co_lines") else set(in_file)
                marks = {line: n for line, n in in_file.items() if line in lines}
            self._cache[code] = marks
        return marks


class _Worker(threading.Thread):
    """One worker thread: setup_thread(index) once, then run_thread(index) per release,
    traced so that the ``# op`` lines it executes are counted."""

    def __init__(self, wl, index, markers):
        super().__init__(name="ftbench-claims-%d" % index, daemon=True)
        self.wl, self.index, self.markers = wl, index, markers
        self.prepared, self.go, self.done = threading.Event(), threading.Event(), threading.Event()
        self.stop = False
        self.error = None
        self.counts = []          # op count per iteration
        self.loop_locals = set()  # ids of the values of locals of frames executing op lines

    def run(self):
        try:
            self.worker_ident = threading.get_ident()
            self.tid = own_tid() if FREE_THREADED else None
            self.wl.setup_thread(self.index)
        except BaseException as exc:
            self.error = exc
        self.prepared.set()
        while True:
            self.go.wait()
            self.go.clear()
            if self.stop or self.error is not None:
                self.done.set()
                return
            count = [0]
            seen_frames = set()
            markers, loop_locals = self.markers, self.loop_locals

            def tracer(frame, event, arg):
                marks = markers.for_code(frame.f_code)
                if not marks:
                    return None     # no op line in this code: no line events for it

                def frame_tracer(frame, event, arg):
                    if event == "line":
                        n = marks.get(frame.f_lineno)
                        if n:
                            count[0] += n
                            if id(frame) not in seen_frames:
                                seen_frames.add(id(frame))
                                loop_locals.update(id(v) for v in frame.f_locals.values())
                    return frame_tracer
                return frame_tracer

            sys.settrace(tracer)
            try:
                self.wl.run_thread(self.index)
            except BaseException as exc:
                self.error = exc
            finally:
                sys.settrace(None)
            self.counts.append(count[0])
            self.done.set()


class Observation(object):
    pass


def observe(wl, module, threads, size, iterations=2):
    """Run ``wl`` (an instance of ``module``'s workload) with workers set up one at a time;
    record what existed when, who owns it, and how many operations each worker's loop
    performed."""
    seen = Observation()
    markers = _Markers(module)
    wl.threads, wl.size = threads, size
    wl.setup(threads, size)
    seen.main_ident = threading.get_ident()
    seen.main_tid = own_tid() if FREE_THREADED else None
    hot = getattr(wl, "hot_objects", None)
    seen.after_setup = [hot(i) if hot else None for i in range(threads)]
    seen.after_setup_thread = []      # per worker i: hot_objects(j) for all j, after setup_thread(i)
    seen.owners = {}                  # worker index -> [ob_tid of its hot objects] (free-threaded)
    workers = []
    try:
        for i in range(threads):
            worker = _Worker(wl, i, markers)
            workers.append(worker)
            worker.start()
            if not worker.prepared.wait(300):
                raise AssertionError("worker %d did not finish setup_thread" % i)
            if worker.error is not None:
                raise AssertionError("setup_thread(%d) raised %r" % (i, worker.error))
            seen.after_setup_thread.append([hot(j) if hot else None for j in range(threads)])
        if FREE_THREADED and hot:
            for i in range(threads):
                objects = hot(i) or []
                seen.owners[i] = [(o, ob_tid(o)) for o in objects]
        seen.first_hot = [(hot(i) or [None])[0] if hot else None for i in range(threads)]
        for k in range(iterations):
            wl.before_iteration(k)
            for worker in workers:
                worker.go.set()
            for worker in workers:
                if not worker.done.wait(600):
                    raise AssertionError("worker %d did not finish run_thread" % worker.index)
                worker.done.clear()
                if worker.error is not None:
                    raise AssertionError("run_thread(%d) raised %r" % (worker.index, worker.error))
        seen.check = wl.check()
    finally:
        for worker in workers:
            worker.stop = True
            worker.go.set()
        for worker in workers:
            worker.join(60)
    seen.workers = [(w.worker_ident, w.tid) for w in workers]
    seen.counts = [w.counts for w in workers]
    seen.loop_locals = [w.loop_locals for w in workers]
    seen.hot_after_run = [hot(i) if hot else None for i in range(threads)]
    return seen


def _immortal(obj):
    return support.load("_shared").immortal(obj)


def dynamic_problems(module, wl, claim, threads, size):
    """Run ``wl`` (an instance of ``module``'s workload) and compare what happened with the
    docstring's hot-object claim and operation count; returns the problems found."""
    problems = []
    seen = observe(wl, module, threads, size)
    try:
        if seen.check is not None:
            problems.append("check() failed: {}".format(seen.check))
        # --- operation count
        want = wl.ops(threads, size)
        for k in range(len(seen.counts[0])):
            counted = [c[k] for c in seen.counts]
            if sum(counted) != want:
                problems.append("iteration {}: the loops performed {} marked operations {}, "
                                "ops() says {}".format(k, sum(counted), counted, want))
            if wl.scaling != contract.STRONG and any(c != wl.ops(1, size) for c in counted):
                problems.append("iteration {}: per-thread operations {} differ from ops(1, size) "
                                "= {} ({} scaling)".format(k, counted, wl.ops(1, size), wl.scaling))
        # --- who creates the hot objects
        if claim == SETUP_THREAD:
            if any(h for h in seen.after_setup):
                problems.append("docstring says the hot objects are created by each worker in "
                                "setup_thread(), but they exist right after setup() (the main "
                                "thread made them)")
            for i, snapshot in enumerate(seen.after_setup_thread):
                if not snapshot[i]:
                    problems.append("worker {}'s hot objects do not exist after its setup_thread()".format(i))
                later = [j for j in range(i + 1, threads) if snapshot[j] and not seen.after_setup[j]]
                if later:
                    problems.append("worker {}'s setup_thread() made the hot objects of workers {}".format(i, later))
            expected_owner = {i: seen.workers[i][1] for i in range(threads)}
        elif claim == SETUP:
            if not all(seen.after_setup):
                problems.append("docstring says the hot objects are created by the main thread "
                                "in setup(), but setup() left none")
            expected_owner = {i: seen.main_tid for i in range(threads)}
        else:
            expected_owner = {}
        if FREE_THREADED and expected_owner:
            for i, owned in seen.owners.items():
                wrong = [(type(o).__name__, tid) for o, tid in owned
                         if tid != expected_owner[i] and not _immortal(o)]
                if wrong:
                    problems.append("free-threaded ob_tid: worker {}'s hot objects {} are not owned "
                                    "by {} (tid {:#x}; main {:#x})".format(
                                        i, wrong[:4], "that worker" if claim == SETUP_THREAD
                                        else "the main thread", expected_owner[i], seen.main_tid))
        if claim in (SETUP_THREAD, SETUP):
            for i in range(threads):
                first = seen.first_hot[i]
                if first is None or id(first) not in seen.loop_locals[i]:
                    problems.append("worker {}'s timed loop does not use its first hot object "
                                    "({})".format(i, type(first).__name__))
                if claim == SETUP_THREAD and (seen.hot_after_run[i] or [None])[0] is not first:
                    problems.append("worker {}'s first hot object was replaced during the run".format(i))
    finally:
        wl.teardown()
    return problems


# --- the tests ---------------------------------------------------------------------------

class DocstringClaims(unittest.TestCase):
    def test_static_claims(self):
        for wid in support.discover_ids():
            with self.subTest(workload=wid):
                module = support.load(wid)
                self.assertEqual(static_problems(wid, module, module.WORKLOAD), [])

    def test_pair_sentence_matches_the_shared_helper(self):
        shared = support.load("_shared")
        pair = shared.Pair("p", "a/subject", "b/reference",
                           [{"build": "free_threaded", "threads": ">=2", "python": ">=3.14",
                             "ratio": "higher"}, {"ratio": "equal"}])
        self.assertEqual(pair.sentence(), pair_sentence("a/subject", pair.side("subject")))
        self.assertEqual(pair.sentence(), pair_sentence("b/reference", pair.side("reference")))

    def test_pairs_agree_on_both_sides(self):
        classes = {wid: support.load(wid).WORKLOAD for wid in support.discover_ids()}
        for wid, cls in classes.items():
            if cls.pair is None:
                continue
            with self.subTest(workload=wid):
                other = classes[cls.pair["other"]].pair
                self.assertEqual((other["id"], other["other"], other["expected"]),
                                 (cls.pair["id"], wid, cls.pair["expected"]))
                self.assertNotEqual(other["role"], cls.pair["role"])
                a, b = support.new_instance(wid), support.new_instance(cls.pair["other"])
                self.assertEqual(a.scaling, b.scaling)
                for threads in (1, 2, 5):
                    self.assertEqual(a.ops(threads, a.sizes["quick"]), b.ops(threads, a.sizes["quick"]))

    def test_hot_objects_and_operation_counts(self):
        for wid in support.discover_ids():
            module = support.load(wid)
            claim, _ = hot_objects_claim(module.__doc__ or "")
            for threads in (1, 2):
                with self.subTest(workload=wid, threads=threads):
                    wl = module.WORKLOAD()
                    self.assertEqual(dynamic_problems(module, wl, claim, threads, wl.sizes["quick"]), [])

    def test_ob_tid_convention(self):
        if not FREE_THREADED:
            self.skipTest("ob_tid exists on free-threaded builds only; GIL builds are checked "
                          "by the set-up order")
        box = {}
        t = threading.Thread(target=lambda: box.update(tid=own_tid(), again=own_tid()))
        t.start()
        t.join()
        self.assertEqual(box["tid"], box["again"], "one thread writes one owner value")
        self.assertNotEqual(box["tid"], own_tid(), "two threads write different owner values")
        self.assertNotEqual(own_tid(), 0)


# --- the checker catches lies --------------------------------------------------------------

_PLANTED = '''
"""Planted: {summary}

Isolates: nothing. Held constant: nothing.

Hot objects: {hot}

Scaling: {scaling_text} (each thread counts).
Operation: one increment; ops = {ops_text}.

Expected: GIL builds and free-threaded builds alike: nothing.
"""
import threading

from ftbench.workload import WEAK, Workload


class Planted(Workload):
    scaling = WEAK
    sizes = {{"default": 100, "quick": 10}}
    op_name = "increment"

    def setup(self, threads, size):
        self.boxes = [None] * threads
        {setup_line}

    def setup_thread(self, index):
        {setup_thread_line}

    def hot_objects(self, index):
        box = self.boxes[index]
        return None if box is None else [box]

    def run_thread(self, index):
        box = self.boxes[index]
        for _ in range(self.size{loop_cut}):
            box[0] += 1  # op

    def ops(self, threads, size):
        return threads * size

WORKLOAD = Planted
'''


def _planted(**overrides):
    fields = dict(summary="an honest workload.", hot="each worker's box, created by each worker in "
                  "setup_thread() (untimed).", scaling_text="weak", ops_text="threads * size",
                  setup_line="pass", setup_thread_line="self.boxes[index] = [0]", loop_cut="")
    fields.update(overrides)
    source = _PLANTED.format(**fields)
    name = "ftbench_planted_%d" % len(sys.modules)
    module = types.ModuleType(name)
    module.__file__ = os.path.join(support.SUITE_DIR, "_planted_not_a_file.py")
    sys.modules[name] = module
    exec(compile(source, "<planted>", "exec"), vars(module))
    return module


class ClaimsCheckerCatchesPlantedMismatches(unittest.TestCase):
    def problems(self, module, threads=2):
        found = static_problems("planted/w", module, module.WORKLOAD)
        claim, _ = hot_objects_claim(module.__doc__)
        wl = module.WORKLOAD()
        # the planted code is not in a file, so register its op line the way exec()'d
        # kernels do
        run = module.WORKLOAD.run_thread.__code__
        module.OP_LINES_HOLDER = types.ModuleType("holder")
        module.OP_LINES_HOLDER.OP_LINES = {run: {run.co_firstlineno + 3: 1}}
        try:
            found += dynamic_problems(module, wl, claim, threads, 10)
        except AssertionError as exc:
            found.append(str(exc))
        return found

    def test_an_honest_workload_passes(self):
        self.assertEqual(self.problems(_planted()), [])

    def test_created_in_setup_while_claiming_the_worker(self):
        lie = _planted(setup_line="self.boxes = [[0] for _ in range(threads)]",
                       setup_thread_line="pass")
        problems = self.problems(lie)
        self.assertTrue(any("exist right after setup()" in p for p in problems), problems)
        if FREE_THREADED:
            self.assertTrue(any("ob_tid" in p for p in problems), problems)

    def test_created_by_another_worker(self):
        lie = _planted(setup_thread_line="if index == 0: self.boxes[:] = [[0] for _ in self.boxes]")
        problems = self.problems(lie)
        self.assertTrue(any("made the hot objects of workers" in p for p in problems), problems)

    def test_loose_worker_claim_with_a_main_thread_creator(self):
        lie = _planted(summary="objects created in the worker, allegedly.",
                       hot="each worker's box, created by the main thread in setup().",
                       setup_line="self.boxes = [[0] for _ in range(threads)]",
                       setup_thread_line="pass")
        problems = self.problems(lie)
        self.assertTrue(any("created in/by the worker" in p for p in problems), problems)

    def test_wrong_operation_count_in_the_docstring(self):
        problems = self.problems(_planted(ops_text="size"))
        self.assertTrue(any("docstring says ops = size" in p for p in problems), problems)

    def test_loop_doing_fewer_operations_than_ops(self):
        problems = self.problems(_planted(loop_cut=" - 1"))
        self.assertTrue(any("marked operations" in p for p in problems), problems)

    def test_wrong_scaling_label(self):
        problems = self.problems(_planted(scaling_text="strong"))
        self.assertTrue(any("Scaling: strong" in p for p in problems), problems)

    def test_pair_text_and_data_disagree(self):
        module = _planted()
        module.WORKLOAD.pair = {"id": "p", "role": "subject", "other": "planted/other",
                                "expected": [{"build": "any", "threads": "any", "python": "any",
                                              "ratio": "higher"}]}
        problems = static_problems("planted/w", module, module.WORKLOAD)
        self.assertTrue(any("pair sentence" in p for p in problems), problems)
        module.__doc__ += "\n" + textwrap.fill(pair_sentence("planted/w", module.WORKLOAD.pair), 60)
        self.assertEqual(static_problems("planted/w", module, module.WORKLOAD), [])
        module.WORKLOAD.pair["expected"][0]["ratio"] = "equal"     # data changed, text not
        self.assertTrue(any("pair sentence" in p for p in
                            static_problems("planted/w", module, module.WORKLOAD)))


if __name__ == "__main__":
    unittest.main()
