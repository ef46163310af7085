"""Diagnose mode (PROTOCOL.md, "Diagnose mode"): ftbench.watch() candidate descriptions, the
automatic candidates, the written-word diff, and the channel transcript with --diagnose
(ready.tids/candidates, done.written, the watch/armed rendezvous), on this interpreter."""

import array
import importlib
import json
import os
import subprocess
import sys
import unittest

from channel_driver import ERROR, OK, REPO, HarnessProcess, drive, harness_env, validate_transcript
from support import FREE_THREADED_BUILD, QUICK, fixture, run_harness

import ftbench

watch_module = importlib.import_module("ftbench.watch")  # ftbench.watch is the function
diagnose_module = importlib.import_module("ftbench.diagnose")

try:
    import ctypes
except ImportError:  # the harness degrades (no buffer addresses); these tests need ctypes
    ctypes = None

DIAGNOSE_DIR = os.path.join(REPO, "tests", "e2e", "workloads", "diagnose")
LINE = 64
STANDARD_DONE = {"type", "iteration", "warmup", "region_ns", "threads", "ops", "gil_enabled"}
FT_FIELDS = [("ob_tid", 0, 8), ("ob_flags", 8, 2), ("ob_mutex", 10, 1), ("ob_gc_bits", 11, 1),
             ("ob_ref_local", 12, 4), ("ob_ref_shared", 16, 8), ("ob_type", 24, 8)]
GIL_FIELDS = [("ob_refcnt", 0, 8), ("ob_type", 8, 8)]
IMMORTALS_EXIST = sys.version_info >= (3, 12)


def e2e(name):
    return os.path.join(DIAGNOSE_DIR, name)


def ctypes_address(buffer):
    view = (ctypes.c_char * memoryview(buffer).nbytes).from_buffer(buffer)
    try:
        return ctypes.addressof(view)
    finally:
        del view


def fields(candidate):
    return [(f["name"], f["offset"], f["size"]) for f in candidate["fields"]]


def by_key(candidates):
    return {c["key"]: c for c in candidates}


def with_diagnose(args):
    split = args.index("--") if "--" in args else len(args)
    return args[:split] + ["--diagnose"] + args[split:]


def diagnosed(args, **kwargs):
    return drive(with_diagnose(args), **kwargs)


@unittest.skipIf(ctypes is None, "ctypes is not available")
class Candidates(unittest.TestCase):
    def describe(self, obj, key="k"):
        candidate = watch_module.describe(obj, key)
        self.assertEqual((candidate["key"], candidate["origin"]), (key, "named"))
        return candidate

    def test_bytearray(self):
        buf = bytearray(100)
        c = self.describe(buf)
        self.assertEqual((c["kind"], c["type"], c["size"], c["itemsize"]), ("buffer", "bytearray", 100, 1))
        self.assertEqual(c["address"], ctypes_address(buf))
        self.assertNotIn("fields", c)
        self.assertNotIn("immortal", c)
        buf.extend(b"x")  # the description holds no export: the bytearray can still resize

    def test_array(self):
        values = array.array("d", range(10))
        c = self.describe(values)
        self.assertEqual((c["kind"], c["type"], c["size"], c["itemsize"]), ("buffer", "array", 80, 8))
        self.assertEqual(c["address"], values.buffer_info()[0])

    def test_memoryview_slices_and_casts(self):
        buf = bytearray(256)
        whole = memoryview(buf)
        view = whole[24:40].cast("Q")
        c = self.describe(view)
        self.assertEqual((c["kind"], c["type"], c["size"], c["itemsize"]), ("buffer", "memoryview", 16, 8))
        self.assertEqual(c["address"], ctypes_address(view))
        self.assertEqual(c["address"], ctypes_address(buf) + 24)
        strided = whole[::2]
        c = self.describe(strided)
        self.assertIsNone(c["address"])
        self.assertIn("contiguous", c["note"])
        view.release()
        c = self.describe(view)
        self.assertIsNone(c["address"])
        self.assertIn("released", c["note"])
        strided.release()
        whole.release()

    def test_readonly_view_is_addressed_without_writing(self):
        data = b"0123456789abcdef" * 4
        view = memoryview(data)[3:11]
        c = self.describe(view)
        header = sys.getsizeof(b"") - 1  # the bytes object's header: its data follows it
        self.assertEqual((c["kind"], c["size"], c["itemsize"]), ("buffer", 8, 1))
        self.assertEqual(c["address"], id(data) + header + 3)
        self.assertEqual(data, b"0123456789abcdef" * 4)

    def test_ctypes_instances(self):
        counters = (ctypes.c_uint64 * 4)()
        c = self.describe(counters)
        self.assertEqual((c["kind"], c["address"], c["size"], c["itemsize"]),
                         ("buffer", ctypes.addressof(counters), 32, 8))

        class Pair(ctypes.Structure):
            _fields_ = [("a", ctypes.c_uint32), ("b", ctypes.c_uint64)]

        pair = Pair()
        c = self.describe(pair)
        self.assertEqual((c["kind"], c["address"], c["size"], c["itemsize"]),
                         ("buffer", ctypes.addressof(pair), 16, 16))
        self.assertTrue(c["type"].endswith("Pair"))

    def test_object_header_fields_of_this_build(self):
        class Thing:
            pass

        thing = Thing()
        c = self.describe(thing)
        self.assertEqual((c["kind"], c["address"], c["size"]), ("object", id(thing), thing.__sizeof__()))
        self.assertTrue(c["type"].endswith("Thing"))
        self.assertEqual(fields(c), FT_FIELDS if FREE_THREADED_BUILD else GIL_FIELDS)
        self.assertNotIn("itemsize", c)
        var_offset = 32 if FREE_THREADED_BUILD else 16
        for value in ((1, 2, 3), [1, 2], b"bytes", 10 ** 30):
            with self.subTest(type=type(value).__name__):
                c = self.describe(value)
                name = "lv_tag" if isinstance(value, int) and sys.version_info >= (3, 12) else "ob_size"
                self.assertEqual(fields(c)[-1], (name, var_offset, 8))
                self.assertEqual(fields(c)[:-1], FT_FIELDS if FREE_THREADED_BUILD else GIL_FIELDS)

    def test_immortal_detection(self):
        for value in (None, 5, True, ()):
            with self.subTest(value=value):
                self.assertIs(self.describe(value)["immortal"], IMMORTALS_EXIST)
        fresh = object()
        self.assertIs(self.describe(fresh)["immortal"], False)
        self.assertIs(self.describe([1, 2])["immortal"], False)
        self.assertIs(self.describe(int("123456789012345678901234567890"))["immortal"], False)
        probe = getattr(sys, "_is_immortal", None)
        if probe is not None:  # 3.14+: the header test must agree with the interpreter's own
            for value in (None, 5, fresh):
                self.assertEqual(watch_module.is_immortal(value), probe(value))
        elif IMMORTALS_EXIST and sys.maxsize > 2 ** 32:  # 3.12/3.13: read back as 2**32 - 1
            self.assertEqual(sys.getrefcount(None), 2 ** 32 - 1)
            self.assertTrue(watch_module.is_immortal(None))


class Registry(unittest.TestCase):
    def test_watch_returns_obj_and_registers_without_describing(self):
        # The package import stays light (no ctypes, no sysconfig), and so does watch()
        # outside diagnose mode; no thread is started.
        code = ("import sys, ftbench; b = bytearray(8); "
                "assert ftbench.watch(b, 'b') is b; assert ftbench.watch(b) is b; "
                "heavy = sorted({'ctypes', 'sysconfig'} & set(sys.modules)); import threading; "
                "w = sys.modules['ftbench.watch']; "
                "print([e.key for e in w.REGISTRY.entries()], heavy, threading.active_count())")
        done = subprocess.run([sys.executable, "-c", code], env=harness_env(), capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.split(), ["['b',", "'watch#0']", "[]", "1"])

    def test_outside_diagnose_mode_the_registry_stays_bounded(self):
        # A script that calls watch() on a new object in every run of a timed run.
        code = ("import sys, ftbench; [ftbench.watch(bytearray(8)) for _ in range(1000)]; "
                "w = sys.modules['ftbench.watch']; print(len(w.REGISTRY.entries()), len(w.REGISTRY._keep))")
        done = subprocess.run([sys.executable, "-c", code], env=harness_env(), capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.split(), [str(watch_module.MAX_CANDIDATES), "0"])

    @unittest.skipIf(ctypes is None, "ctypes is not available")
    def test_dedup_named_first_and_limit(self):
        registry = watch_module.Registry()
        buf = bytearray(64)
        registry.add(buf, "auto.buf", watch_module.AUTO)
        registry.add(buf, "named.buf")                  # same (address, size, kind): one candidate
        registry.add(memoryview(buf)[0:8], "slice")     # same address, other size: another
        registry.add(object(), "x")
        registry.add(object(), "x")                      # a key registered again: the later wins
        described, truncated = registry.candidates()
        self.assertFalse(truncated)
        self.assertEqual([c["key"] for _, c in described], ["named.buf", "slice", "x"])
        self.assertEqual(described[0][1]["origin"], "named")
        many = watch_module.Registry()
        keep = [bytearray(8) for _ in range(300)]
        for n, b in enumerate(keep):
            many.add(b, "b{}".format(n))
        described, truncated = many.candidates()
        self.assertEqual((len(described), truncated), (256, True))

    def test_name_must_be_a_string(self):
        with self.assertRaises(TypeError):
            ftbench.watch(object(), 5)


class AutomaticCandidates(unittest.TestCase):
    def test_workload_instance(self):
        class Work:
            pass

        work = Work()
        work.buf = bytearray(16)
        work.views = [memoryview(work.buf)[0:8], memoryview(work.buf)[8:16]]
        work.table = {"a": [1.5], "b": None}
        work.pair = (object(), 7)
        work.module, work.function, work.cls, work.method = os, len, Work, work.__init__
        work.nothing, work.flag, work.small, work.name = None, True, 3, "interned"
        work.big = 10 ** 40
        work.named = bytearray(8)
        work.empty = bytearray()
        found, truncated = watch_module.scan(vars(work), prefix="self.", exclude_ids={id(work.named)})
        keys = [k for k, _ in found]
        expected = ["self.buf", "self.views", "self.views[0]", "self.views[1]", "self.table",
                    "self.table['a']", "self.pair", "self.pair[0]", "self.big"]
        # Small ints and string constants are immortal on some versions only (none before
        # 3.12; 3.13's default build made interned strings mortal again).
        for key, value in (("self.pair[1]", 7), ("self.small", work.small), ("self.name", work.name)):
            if not watch_module.is_immortal(value):
                expected.append(key)
        self.assertEqual(sorted(keys), sorted(expected))
        self.assertFalse(truncated)
        found, truncated = watch_module.scan(vars(work), prefix="self.", limit=2)
        self.assertEqual((len(found), truncated), (2, True))

    def test_slotted_instance(self):
        class Slotted:
            __slots__ = ("buf", "unset")

        work = Slotted()
        work.buf = bytearray(8)
        found, _ = watch_module.scan(watch_module.instance_namespace(work), prefix="self.")
        self.assertEqual([k for k, _ in found], ["self.buf"])

    def test_script_globals(self):
        namespace = {"__name__": "__main__", "__file__": "/x.py", "os": os, "buf": bytearray(8),
                     "threads": [object(), object()], "run": lambda: None}
        found, _ = watch_module.scan(namespace, suffix="@1")
        self.assertEqual([k for k, _ in found], ["buf@1", "threads@1", "threads[0]@1", "threads[1]@1"])


@unittest.skipIf(ctypes is None, "ctypes is not available")
class WrittenWords(unittest.TestCase):
    def diff(self, buffer, write):
        c = watch_module.describe(buffer, "b")
        start, before = watch_module.read_words(buffer, c["address"], c["size"])
        write()
        _, after = watch_module.read_words(buffer, c["address"], c["size"])
        return c["address"], watch_module.written_offsets(before, after, start, c["address"])

    def test_known_offsets(self):
        buf = bytearray(4096 + 256)
        address = ctypes_address(buf)
        base = (-address) % LINE  # a 64-byte aligned origin inside the buffer

        def write():
            for offset in (0, 9, 15, 64, 4100):  # words 0, 8 (9 and 15), 64, 4096
                buf[base + offset] = 1

        _, (offsets, truncated) = self.diff(buf, write)
        self.assertEqual(offsets, [base + o for o in (0, 8, 64, 4096)])
        self.assertFalse(truncated)

    def test_offsets_are_aligned_in_absolute_addresses(self):
        buf = bytearray(128)
        base = (-ctypes_address(buf)) % 8
        view = memoryview(buf)[base + 4:base + 36]  # starts 4 bytes into a word
        address, (offsets, _) = self.diff(view, lambda: view.__setitem__(0, 7))
        self.assertEqual(address % 8, 4)
        self.assertEqual(offsets, [-4])
        _, (offsets, _) = self.diff(view, lambda: view.__setitem__(31, 7))
        self.assertEqual(offsets, [28])
        view.release()

    def test_truncated_at_512(self):
        before, after = bytes(8 * 600), b"\x01" * (8 * 600)
        offsets, truncated = watch_module.written_offsets(before, after, 4096, 4096)
        self.assertEqual((len(offsets), truncated, offsets[:2]), (512, True, [0, 8]))


def ready_messages(run):
    return [m for m in run.messages if m.get("type") == "ready"]


def done_written(done):
    return {w["key"]: w["offsets"] for w in done["written"]}


@unittest.skipIf(ctypes is None, "ctypes is not available")
class Transcript(unittest.TestCase):
    """The harness with --diagnose, driven by the reference driver."""

    def slots_run(self, name, threads=2):
        run = diagnosed([e2e(name), "--threads", str(threads)] + QUICK, warmups=1, iterations=1)
        self.assertEqual(run.outcome, OK, run.report())
        return run

    def test_ready_has_tids_and_candidates(self):
        run = self.slots_run("adjacent_slots.py")
        for ready, done in zip(ready_messages(run), run.dones):
            self.assertEqual(ready["tids"], [t["tid"] for t in done["threads"]])
            self.assertNotIn(run.hello["pid"], ready["tids"])
            candidates = by_key(ready["candidates"])
            slots = candidates["slots"]
            self.assertEqual((slots["origin"], slots["kind"], slots["type"], slots["itemsize"]),
                             ("named", "buffer", "bytearray", 1))
            self.assertEqual(ready["candidates"][0]["key"], "slots", "named candidates come first")
            for key in ("self.views", "self.views[0]", "self.views[1]"):
                self.assertEqual(candidates[key]["origin"], "auto")
            self.assertEqual(candidates["self.views[0]"]["size"], 8)
            self.assertFalse(ready["truncated"])
            self.assertEqual(done["candidates"], [])

    def test_written_words_of_the_known_answers(self):
        for name, spacing in (("adjacent_slots.py", 8), ("padded_slots.py", 128), ("one_slot.py", 0)):
            with self.subTest(workload=name):
                run = self.slots_run(name)
                for ready, done in zip(ready_messages(run), run.dones):
                    slots = by_key(ready["candidates"])["slots"]
                    base = (-slots["address"]) % LINE
                    written = done_written(done)
                    self.assertEqual(written["slots"], sorted({base, base + spacing}), run.report())
                    self.assertEqual(written["self.views[0]"], [0])

    def test_objects_named_shared(self):
        for name, immortal in (("shared_object.py", False), ("immortal_object.py", IMMORTALS_EXIST)):
            with self.subTest(workload=name):
                run = self.slots_run(name)
                shared = by_key(ready_messages(run)[0]["candidates"])["shared"]
                self.assertEqual((shared["kind"], shared["origin"], shared["immortal"]),
                                 ("object", "named", immortal))
                self.assertEqual(fields(shared), FT_FIELDS if FREE_THREADED_BUILD else GIL_FIELDS)

    def test_watch_calls_in_setup_setup_thread_and_run_thread(self):
        run = diagnosed([fixture("diagnose_watch_calls.py"), "--threads", "2"] + QUICK,
                        warmups=1, iterations=1)
        self.assertEqual(run.outcome, OK, run.report())
        ready = ready_messages(run)
        keys = [c["key"] for c in ready[0]["candidates"]]
        # named first, in registration order (the workers' setup_thread calls race)
        self.assertEqual(keys[:2], ["shared", "watch#0"])
        self.assertEqual(sorted(keys[2:4]), ["own#0", "own#1"])
        auto = by_key(ready[0]["candidates"])
        self.assertNotIn("self.table", auto, "registered already (watch#0): not automatic too")
        self.assertEqual(auto["self.table['a']"]["origin"], "auto")
        watches = [m for m in run.messages if m.get("type") == "watch"]
        self.assertEqual(sorted(m["candidates"][0]["key"] for m in watches), ["made#0", "made#1"])
        self.assertEqual(sorted(m["tid"] for m in watches), sorted(ready[0]["tids"]))
        self.assertTrue(all(m["iteration"] == 0 for m in watches), "only the first region registers")
        first, second = run.dones
        self.assertEqual(sorted(c["key"] for c in first["candidates"]), ["made#0", "made#1"])
        self.assertEqual(second["candidates"], [])
        made = by_key(first["candidates"])["made#0"]
        word = (made["address"] + 9) // 8 * 8 - made["address"]
        self.assertEqual(done_written(first)["made#0"], [word])
        self.assertEqual(done_written(second)["made#0"], [word])  # in ready from then on
        self.assertIn("made#1", by_key(ready[1]["candidates"]))
        self.assertEqual(done_written(first)["shared"], [])

    def script_args(self, threads=1):
        return ["run-script", e2e("adjacent_script.py"), "--threads", str(threads), "--", "2000"]

    def test_script_rendezvous_answered_armed(self):
        for threads in (1, 2):
            with self.subTest(threads=threads):
                run = diagnosed(self.script_args(threads), warmups=1, iterations=1)
                self.assertEqual(run.outcome, OK, run.report())
                suffixes = ["@{}".format(i) for i in range(threads)] if threads > 1 else [""]
                for ready, done in zip(ready_messages(run), run.dones):
                    self.assertEqual(ready["candidates"], [])
                    candidates = by_key(done["candidates"])
                    written = done_written(done)
                    for suffix in suffixes:
                        buf = candidates["buf" + suffix]
                        self.assertEqual((buf["origin"], buf["kind"]), ("auto", "buffer"))
                        base = (-buf["address"]) % LINE
                        self.assertEqual(written["buf" + suffix], [base, base + 8])
                        self.assertIn("views[1]" + suffix, candidates)
                        self.assertNotIn("work" + suffix, candidates)      # a function
                        self.assertNotIn("threading" + suffix, candidates)  # a module
                watches = [m for m in run.messages if m.get("type") == "watch"]
                self.assertEqual(len(watches), 2 * threads)  # one per script run
                tids = {t["tid"] for d in run.dones for t in d["threads"]}
                self.assertTrue({m["tid"] for m in watches} <= tids, "sent by the worker running the script")

    def converse_script(self, answer):
        """Drive run-script --diagnose by hand; answer the first watch with ``answer``."""
        harness = HarnessProcess(with_diagnose(self.script_args()))
        try:
            self.assertEqual(harness.receive(60)["message"]["type"], "hello")
            harness.send({"type": "start"})
            self.assertEqual(harness.receive(60)["message"]["type"], "ready")
            harness.send({"type": "go", "iteration": 0, "warmup": False})
            self.assertEqual(harness.receive(60)["message"]["type"], "watch")
            if answer is None:
                harness.close_channel()
            else:
                harness.send(answer)
            entry = harness.receive(60)
            status = harness.wait(60)
        finally:
            harness.finish()
        return (entry or {}).get("message"), status, harness

    def test_wrong_answer_to_watch_is_a_protocol_error(self):
        for answer, fragment in (({"type": "armed", "iteration": 3}, "iteration 0"),
                                 ({"type": "ack", "iteration": 0}, "unexpected 'ack'"),
                                 (b"armed\n", "not a JSON line")):
            with self.subTest(answer=answer):
                message, status, harness = self.converse_script(answer)
                self.assertEqual((message["type"], message["phase"]), ("error", "protocol"),
                                 harness.transcript)
                self.assertIn(fragment, message["message"])
                self.assertEqual(status, 1)

    def test_eof_during_rendezvous_exits_quietly(self):
        message, status, harness = self.converse_script(None)
        self.assertIsNone(message)
        self.assertEqual(status, 3)

    def test_validator_accepts_the_diagnose_transcript(self):
        run = diagnosed(self.script_args(), warmups=0, iterations=1)
        self.assertEqual(validate_transcript(run.transcript, run.returncode), [])
        kinds = [m["type"] for m in run.messages]
        self.assertEqual(kinds, ["hello", "ready", "watch", "done", "bye"])


class WithoutDiagnose(unittest.TestCase):
    def test_no_new_fields_or_messages(self):
        for args in ([e2e("adjacent_slots.py"), "--threads", "2"] + QUICK,
                     ["run-script", e2e("adjacent_script.py"), "--threads", "2", "--", "2000"],
                     [fixture("diagnose_watch_calls.py"), "--threads", "2"] + QUICK):
            with self.subTest(args=args[:2]):
                run = drive(args, warmups=1, iterations=1)
                self.assertEqual(run.outcome, OK, run.report())
                self.assertEqual([m["type"] for m in run.messages],
                                 ["hello", "ready", "done", "ready", "done", "bye"])
                for message in run.messages:
                    if message["type"] == "ready":
                        self.assertEqual(set(message), {"type", "iteration"})
                    if message["type"] == "done":
                        self.assertEqual(set(message), STANDARD_DONE)

    def test_diagnose_needs_channel_mode(self):
        for args in ([e2e("adjacent_slots.py")] + QUICK + ["--diagnose"],
                     ["run-script", e2e("adjacent_script.py"), "--diagnose"]):
            with self.subTest(args=args[:2]):
                done = run_harness(args)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn("--diagnose", done.stderr)


class Pure(unittest.TestCase):
    def test_builders(self):
        protocol = importlib.import_module("ftbench.protocol")
        self.assertEqual(protocol.ready(3), {"type": "ready", "iteration": 3})
        self.assertEqual(protocol.ready(3, protocol.diagnose_ready([7], [], False)),
                         {"type": "ready", "iteration": 3, "tids": [7], "candidates": [],
                          "truncated": False})
        self.assertEqual(json.dumps(protocol.watch(1, 9, [])),
                         '{"type": "watch", "iteration": 1, "tid": 9, "candidates": [], "truncated": false}')
        self.assertEqual(protocol.written("k", [0, 8], False), {"key": "k", "offsets": [0, 8], "truncated": False})
        self.assertEqual(protocol.check_command({"type": "armed", "iteration": 2}, {"armed"}, 2)["type"], "armed")
        with self.assertRaises(protocol.ProtocolError):
            protocol.check_command({"type": "armed", "iteration": 1}, {"armed"}, 2)


if __name__ == "__main__":
    unittest.main()
