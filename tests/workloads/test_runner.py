"""In-process unit tests of the harness internals: the thread team's gate and timing
model, session phase handling, and run-script's execution of a script body."""

import os
import tempfile
import threading
import unittest

import support  # noqa: F401  (puts workloads/ on sys.path)
from ftbench.runner import ThreadTeam, WorkerFailure
from ftbench.script import ScriptSpec
from ftbench.session import PhaseError, Session
from ftbench.suite import WorkloadSpec
from ftbench.workload import WEAK, Workload


def run_with_deadline(test, function, seconds=60):
    """Call ``function`` on a helper thread; fail (not hang) if it does not return."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as exc:
            outcome["error"] = exc
    helper = threading.Thread(target=target, daemon=True)
    helper.start()
    helper.join(seconds)
    test.assertFalse(helper.is_alive(), "did not return within {} s (deadlock?)".format(seconds))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def close_and_join(test, team, seconds=60):
    """``team.close`` with a grace period that only guards against a hang: the default half
    second is for the harness, not for a loaded test machine. Fails if a worker lives on."""
    test.assertTrue(team.close(seconds), "a worker thread did not end within {} s".format(seconds))


def workers_since(before):
    """Worker threads that did not exist at ``before`` (a set of threads): those of the team
    under test, not ones another test's team (a Session's, say) is still winding down."""
    return [t for t in threading.enumerate()
            if t.name.startswith("ftbench-worker-") and t not in before]


class Team(unittest.TestCase):
    def test_threads_are_parked_before_the_first_region(self):
        calls = []
        team = ThreadTeam(lambda i: calls.append((i, threading.current_thread().name)), 3)
        before = set(threading.enumerate())
        team.start()
        self.addCleanup(close_and_join, self, team)
        workers = workers_since(before)
        self.assertEqual(len(workers), 3, "all workers exist before the timed region")
        self.assertEqual(calls, [], "no body may run before the first release")
        team.run()
        self.assertEqual(sorted(calls), [(i, "ftbench-worker-{}".format(i)) for i in range(3)])

    def test_timing_model(self):
        barrier = threading.Barrier(2)  # both bodies must overlap: released together
        team = ThreadTeam(lambda i: barrier.wait(30), 2)
        team.start()
        self.addCleanup(close_and_join, self, team)
        for _ in range(3):
            region_ns, threads = run_with_deadline(self, team.run)
            self.assertEqual([t["index"] for t in threads], [0, 1])
            self.assertEqual(region_ns, max(t["wall_ns"] for t in threads))
            for t in threads:
                self.assertLessEqual(t["start_ns"], t["wall_ns"])
                self.assertGreaterEqual(t["cpu_ns"], 0)
            self.assertNotEqual(threads[0]["tid"], threads[1]["tid"])
            self.assertNotIn(threading.get_native_id(), [t["tid"] for t in threads])

    def test_failure_does_not_wait_for_blocked_peers(self):
        never = threading.Event()
        self.addCleanup(never.set)  # lets the blocked worker go at the end of the test
        blocked = threading.Event()

        def body(index):
            if index == 0:
                # Fail only once the peer is inside its body: a peer still waking from the
                # barrier may see the failure first and never block, which is not this case.
                blocked.wait(60)
                raise KeyError("boom")
            blocked.set()
            never.wait()

        team = ThreadTeam(body, 2)
        team.start()
        with self.assertRaises(WorkerFailure) as caught:
            run_with_deadline(self, team.run)
        self.assertEqual(caught.exception.details["index"], 0)
        self.assertEqual(caught.exception.details["type"], "KeyError")
        self.assertIn("boom", caught.exception.details["traceback"])
        self.assertFalse(team.close(0.1), "worker 1 is still blocked: close must say so")
        never.set()
        # Worker 1 now leaves; wait for it, or a later test that counts ftbench-worker-*
        # threads would see it.
        close_and_join(self, team)

    def test_system_exit_in_a_body_is_a_failure_not_an_exit(self):
        team = ThreadTeam(lambda i: exec("raise SystemExit(4)"), 1)
        team.start()
        with self.assertRaises(WorkerFailure):
            run_with_deadline(self, team.run)
        close_and_join(self, team)

    def test_prepare_runs_once_in_each_worker_before_it_parks(self):
        prepared = {}
        bodies = []
        lock = threading.Lock()

        def prepare(index):
            with lock:
                prepared.setdefault(index, []).append(threading.get_ident())

        def body(index):
            with lock:
                bodies.append((index, threading.get_ident()))

        team = ThreadTeam(body, 3, prepare=prepare)
        team.start()
        self.addCleanup(close_and_join, self, team)
        # start() returns only once every worker has prepared and parked: nothing ran yet
        self.assertEqual(sorted(prepared), [0, 1, 2])
        self.assertEqual(bodies, [])
        main = threading.get_ident()
        self.assertNotIn(main, [idents[0] for idents in prepared.values()])
        for _ in range(2):
            team.run()
        self.assertEqual({i: len(v) for i, v in prepared.items()}, {0: 1, 1: 1, 2: 1},
                         "prepare runs once per worker, not per iteration")
        for index, ident in bodies:
            self.assertEqual(ident, prepared[index][0], "prepare and body share the worker thread")

    def test_prepare_failure_fails_start(self):
        def prepare(index):
            if index == 1:
                raise ValueError("no inputs for worker 1")

        team = ThreadTeam(lambda i: None, 2, prepare=prepare)
        with self.assertRaises(WorkerFailure) as caught:
            run_with_deadline(self, team.start)
        details = caught.exception.details
        self.assertEqual((details["index"], details["type"], details["where"]),
                         (1, "ValueError", "setup_thread"))
        self.assertIn("in setup_thread", str(caught.exception))
        self.assertIn("no inputs for worker 1", details["traceback"])
        close_and_join(self, team)

    def test_close_releases_parked_workers(self):
        team = ThreadTeam(lambda i: None, 4)
        before = set(threading.enumerate())
        team.start()
        workers = workers_since(before)
        self.assertEqual(len(workers), 4)
        team.run()
        close_and_join(self, team)
        self.assertEqual([t for t in workers if t.is_alive()], [])


class Recorder(Workload):
    scaling = WEAK
    sizes = {"default": 5, "quick": 1}
    op_name = "call"
    fail_check = False

    def setup(self, threads, size):
        self.log = ["setup {} {} {} {}".format(threads, size, self.threads, self.size)]

    def before_iteration(self, iteration):
        self.log.append("before {}".format(iteration))

    def run_thread(self, index):
        pass

    def ops(self, threads, size):
        return threads * size

    def check(self):
        self.log.append("check")
        return "wrong" if self.fail_check else None

    def teardown(self):
        self.log.append("teardown")


class SessionPhases(unittest.TestCase):
    def session(self, cls=Recorder, threads=2, size="default"):
        return Session(WorkloadSpec("test/recorder", __file__, cls), threads, size)

    def test_order_of_calls(self):
        session = self.session()
        self.assertEqual(session.info()["ops_per_iteration"], 10)
        session.setup()
        for k in range(2):
            session.prepare(k)
            result = session.run(k)
            self.assertEqual((result["ops"], len(result["threads"])), (10, 2))
        session.finish(check=True)
        self.assertEqual(session.workload.log,
                         ["setup 2 5 2 5", "before 0", "before 1", "check", "teardown"])

    def test_check_failure_still_tears_down(self):
        class Failing(Recorder):
            fail_check = True
        session = self.session(Failing)
        session.setup()
        session.prepare(0)
        session.run(0)
        with self.assertRaises(PhaseError) as caught:
            session.finish(check=True)
        self.assertEqual(caught.exception.phase, "check")
        self.assertIn("wrong", caught.exception.message)
        self.assertEqual(session.workload.log[-2:], ["check", "teardown"])

    def test_skipped_check(self):
        session = self.session()
        session.setup()
        session.prepare(0)
        session.finish(check=False)
        self.assertNotIn("check", session.workload.log)

    def test_bad_ops_is_an_import_error(self):
        class NoOps(Recorder):
            def ops(self, threads, size):
                return 0
        with self.assertRaises(PhaseError) as caught:
            self.session(NoOps)
        self.assertEqual(caught.exception.phase, "import")

    def test_setup_thread_runs_in_each_worker_before_the_first_iteration(self):
        class PerThread(Recorder):
            def setup(self, threads, size):
                super().setup(threads, size)
                self.owners = [None] * threads
                self.lock = threading.Lock()

            def setup_thread(self, index):
                with self.lock:
                    self.owners[index] = threading.get_ident()
                    self.log.append("setup_thread {}".format(index))

            def before_iteration(self, iteration):
                if iteration == 0:
                    assert None not in self.owners, "before_iteration(0) before setup_thread"
                super().before_iteration(iteration)

            def run_thread(self, index):
                assert threading.get_ident() == self.owners[index], "another thread"

        session = self.session(PerThread, threads=3)
        session.setup()
        workload = session.workload
        self.assertEqual(sorted(workload.log[1:]), ["setup_thread 0", "setup_thread 1", "setup_thread 2"])
        self.assertNotIn(threading.get_ident(), workload.owners)
        self.assertEqual(len(set(workload.owners)), 3)
        for k in range(2):
            session.prepare(k)
            session.run(k)
        session.finish(check=True)
        self.assertEqual(workload.log[-4:], ["before 0", "before 1", "check", "teardown"])

    def test_setup_thread_exception_is_a_setup_error(self):
        class Broken(Recorder):
            def setup_thread(self, index):
                if index == 0:
                    raise KeyError("worker 0 has nothing")

        session = self.session(Broken, threads=2)
        with self.assertRaises(PhaseError) as caught:
            session.setup()
        self.assertEqual(caught.exception.phase, "setup")
        self.assertIn("worker 0 raised KeyError in setup_thread", caught.exception.message)
        self.assertIn("worker 0 has nothing", caught.exception.traceback)
        self.assertTrue(session.abandon())
        self.assertEqual(session.workload.log[-1], "teardown")

    def test_setup_exception_is_a_setup_error(self):
        class Broken(Recorder):
            def setup(self, threads, size):
                raise MemoryError("too big")
        session = self.session(Broken)
        with self.assertRaises(PhaseError) as caught:
            session.setup()
        self.assertEqual(caught.exception.phase, "setup")
        self.assertIn("MemoryError: too big", caught.exception.message)
        self.assertTrue(session.abandon())


class ScriptBody(unittest.TestCase):
    def script(self, text, args=()):
        handle, path = tempfile.mkstemp(suffix=".py")
        with os.fdopen(handle, "w") as f:
            f.write(text)
        self.addCleanup(os.remove, path)
        return ScriptSpec(path, args).instantiate()

    def test_runs_as_main_with_argv_each_time(self):
        import sys
        saved_argv, saved_path = sys.argv[:], sys.path[:]
        self.addCleanup(setattr, sys, "argv", saved_argv)
        self.addCleanup(setattr, sys, "path", saved_path)
        runs = []
        workload = self.script("import sys\nRUNS.append((__name__, sys.argv[1:]))\n", ["a", "b"])
        workload.setup(2, None)
        import builtins
        builtins.RUNS = runs
        self.addCleanup(delattr, builtins, "RUNS")
        workload.run_thread(0)
        workload.run_thread(1)
        self.assertEqual(runs, [("__main__", ["a", "b"])] * 2)
        self.assertEqual(os.environ["FTBENCH_THREADS"], "2")

    def test_exit_statuses(self):
        self.script("raise SystemExit(0)\n").run_thread(0)
        self.script("raise SystemExit\n").run_thread(0)
        with self.assertRaises(Exception) as caught:
            self.script("raise SystemExit('bad')\n").run_thread(0)
        self.assertIn("'bad'", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
