"""End-to-end tests of a fleet's shared history (docs/fleet.md): `orchestrate history push`,
the read commands with --from, a nightly job with history.url, against a real PostgreSQL
server that this module starts on a free localhost port in a temporary directory.

Structure, counts and messages only: nothing here asserts a timing."""

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import unittest

from postgres_server import PostgresServer
from test_orchestrate import NIGHTLY_WORKLOADS, ORCHESTRATE, SOURCE, load, orchestrate

FIXTURE_RUN = os.path.join(SOURCE, "tests", "fixtures", "runs", "smoke-v1")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def night_copies(root, count):
    """`count` copies of the fixture run, each its own night (run id and date)."""
    dirs = []
    for k in range(count):
        run_id = "2026120%d-023000-smoke" % (k + 1)
        d = os.path.join(root, run_id)
        shutil.copytree(FIXTURE_RUN, d)
        manifest = load(os.path.join(d, "manifest.json"))
        manifest["run_id"] = run_id
        manifest["created_at"] = "2026-12-0%dT02:30:00Z" % (k + 1)
        with open(os.path.join(d, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        dirs.append(d)
    return dirs


class CuttingProxy:
    """A TCP proxy in front of the server that drops the connection once the client has sent
    `limit` bytes: a connection lost in the middle of a push, at a reproducible point."""

    def __init__(self, port, limit=None):
        self.upstream = ("127.0.0.1", port)
        self.limit = limit
        self.sent = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src, dst, counted):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if counted:
                    self.sent += len(data)
                    if self.limit is not None and self.sent > self.limit:
                        break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.listener.close()


class Fleet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = PostgresServer().start()
        cls.databases = 0

    @classmethod
    def tearDownClass(cls):
        cls.pg.__exit__(None, None, None)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftbench-fleet-")
        Fleet.databases += 1
        self.url = self.pg.create_database("fleet_e2e_%d" % Fleet.databases)
        self.history = os.path.join(self.tmp, "box", "history.sqlite")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_orchestrate(self, *args, env=None, timeout=600):
        return orchestrate(*args, env=env or self.pg.env(), timeout=timeout)

    def local_box(self, nights=3):
        for d in night_copies(os.path.join(self.tmp, "runs"), nights):  # at most 9
            out = self.run_orchestrate("history", "import", d, "--history", self.history)
            self.assertEqual(out.returncode, 0, out.stderr)

    def count(self, table, url=None):
        return int(self.pg.psql("SELECT COUNT(*) FROM %s" % table, database=(url or self.url).rsplit("/", 1)[1]))

    def test_push_is_idempotent_and_every_read_command_works_from_the_shared_store(self):
        self.local_box(3)
        first = self.run_orchestrate("history", "push", "--to", self.url, "--history", self.history)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("3 nights pushed", first.stdout)
        self.assertEqual(first.stdout.count("pushed 2026120"), 3, first.stdout)
        again = self.run_orchestrate("history", "push", "--to", self.url, "--history", self.history)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0 nights pushed", again.stdout)
        self.assertIn("3 already there", again.stdout)
        self.assertEqual(self.count("nights"), 3)
        points = self.count("points")
        self.assertGreater(points, 0)

        listed = self.run_orchestrate("history", "list", "--from", self.url)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("3 nights in %s" % self.url, listed.stdout)
        as_json = json.loads(self.run_orchestrate("history", "list", "--json", "--from", self.url).stdout)
        self.assertEqual(sorted(n["run_id"] for n in as_json),
                         ["20261201-023000-smoke", "20261202-023000-smoke", "20261203-023000-smoke"])
        local = json.loads(self.run_orchestrate("history", "list", "--json", "--history", self.history).stdout)
        self.assertEqual([n["run_id"] for n in local], [n["run_id"] for n in as_json])
        shown = self.run_orchestrate("history", "show", "* */* t1 time_per_op", "--json", "--from", self.url)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        series = json.loads(shown.stdout)
        self.assertTrue(series)
        self.assertTrue(all(len(s["points"]) == 3 for s in series))
        regressions = self.run_orchestrate("history", "regressions", "--from", self.url)
        self.assertEqual(regressions.returncode, 0, regressions.stderr)
        self.assertIn("no regressions in %s" % self.url, regressions.stdout)
        page = os.path.join(self.tmp, "fleet.html")
        html = self.run_orchestrate("history", "html", "--from", self.url, "--output", page)
        self.assertEqual(html.returncode, 0, html.stderr)
        with open(page) as f:
            text = f.read()
        self.assertIn('"fleet":{"label":"across machines', text)
        # What changes a history happens on the box: a URL is not a --history.
        ack = self.run_orchestrate("history", "ack", "1", "--note", "x", "--history", self.url)
        self.assertEqual(ack.returncode, 2)
        self.assertIn("--from", ack.stderr)

    def test_two_pushes_of_one_box_at_once_duplicate_nothing(self):
        self.local_box(8)
        cmd = [ORCHESTRATE, "history", "push", "--to", self.url, "--history", self.history]
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.pg.env())
                 for _ in range(3)]
        for p in procs:
            out, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        self.assertEqual(self.count("nights"), 8)
        self.assertEqual(self.count("machines"), 1)
        with sqlite3.connect(self.history) as db:
            local_points = db.execute("SELECT COUNT(*) FROM points").fetchone()[0]
        self.assertEqual(self.count("points"), local_points)

    def test_a_connection_dropped_mid_push_is_one_line_and_the_next_push_completes_it(self):
        self.local_box(8)
        # How many bytes a whole push sends, measured through the proxy on another database.
        measure_url = self.pg.create_database("fleet_measure_%d" % Fleet.databases)
        proxy = CuttingProxy(self.pg.port)
        via = measure_url.replace(":%d/" % self.pg.port, ":%d/" % proxy.port)
        out = self.run_orchestrate("history", "push", "--to", via, "--history", self.history)
        self.assertEqual(out.returncode, 0, out.stderr)
        total = proxy.sent
        proxy.close()

        before = digest(self.history)
        proxy = CuttingProxy(self.pg.port, limit=total * 3 // 4)  # past the schema and a few nights
        via = self.url.replace(":%d/" % self.pg.port, ":%d/" % proxy.port)
        cut = self.run_orchestrate("history", "push", "--to", via, "--history", self.history)
        proxy.close()
        self.assertEqual(cut.returncode, 7, cut.stdout + cut.stderr)
        self.assertEqual(len(cut.stderr.strip().splitlines()), 1, cut.stderr)
        self.assertIn("untouched", cut.stderr)
        self.assertEqual(digest(self.history), before, "the local history changed")
        kept = self.count("nights")
        self.assertLess(kept, 8)
        self.assertGreaterEqual(kept, 1, "three quarters of a push's bytes finish at least its first night")

        done = self.run_orchestrate("history", "push", "--to", self.url, "--history", self.history)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("%d nights pushed" % (8 - kept) if 8 - kept != 1 else "1 night pushed", done.stdout)
        self.assertEqual(self.count("nights"), 8)
        self.assertEqual(self.count("points"), self.count("points", measure_url))

    def test_bad_servers_and_urls_give_one_line_and_leave_the_local_history_untouched(self):
        self.local_box(1)
        before = digest(self.history)
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]
        closed.close()
        newer = self.pg.create_database("fleet_newer_%d" % Fleet.databases)
        self.pg.psql("CREATE TABLE ftbench_schema (version INTEGER NOT NULL); INSERT INTO ftbench_schema VALUES (99)",
                     database=newer.rsplit("/", 1)[1])
        secret_url = self.url.replace("ftbench@", "ftbench:%s@" % self.pg.password)
        cases = [
            ("unreachable", ["--to", "postgresql://ftbench@127.0.0.1:%d/x" % dead_port], None, 7, "Connection refused"),
            ("wrong password", ["--to", self.url], self.pg.env(PGPASSWORD="not-the-password"), 7,
             "password authentication failed"),
            ("newer schema", ["--to", newer], None, 7, "newer than this orchestrate"),
            ("typo in the scheme", ["--to", self.url.replace("postgresql", "postgressql")], None, 2,
             "not a PostgreSQL URL"),
            ("typo in an option", ["--to", self.url + "?sslmode=bogus"], None, 7, "sslmode"),
            ("no such database", ["--to", self.url + "x"], None, 7, "does not exist"),
            ("password in the URL", ["--to", secret_url], None, 2, "PGPASSWORD"),
        ]
        for name, args, env, status, words in cases:
            with self.subTest(name):
                out = self.run_orchestrate("history", "push", *args, "--history", self.history, env=env)
                self.assertEqual(out.returncode, status, out.stdout + out.stderr)
                self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
                self.assertIn(words, out.stderr)
                self.assertNotIn(self.pg.password, out.stdout + out.stderr)
                self.assertNotIn("not-the-password", out.stdout + out.stderr)
        for name, args, status in [("unreachable", ["--from", "postgresql://ftbench@127.0.0.1:%d/x" % dead_port], 7),
                                   ("newer schema", ["--from", newer], 7),
                                   ("password in the URL", ["--from", secret_url], 2)]:
            with self.subTest("list " + name):
                out = self.run_orchestrate("history", "list", *args)
                self.assertEqual(out.returncode, status, out.stderr)
                self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
                self.assertNotIn(self.pg.password, out.stdout + out.stderr)
        self.assertEqual(digest(self.history), before, "the local history changed")
        self.assertEqual(self.pg.psql("SELECT version FROM ftbench_schema", database=newer.rsplit("/", 1)[1]).strip(), "99")

    def test_a_nightly_pushes_its_night_and_a_server_that_is_down_costs_one_line(self):
        workloads = os.path.join(self.tmp, "workloads")
        shutil.copytree(os.path.join(NIGHTLY_WORKLOADS, "nightly"), os.path.join(workloads, "suite", "nightly"))
        os.symlink(os.path.join(SOURCE, "workloads", "ftbench"), os.path.join(workloads, "ftbench"))
        out_dir = os.path.join(self.tmp, "results")
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        dead_url = "postgresql://ftbench@127.0.0.1:%d/fleet" % closed.getsockname()[1]
        closed.close()
        config = os.path.join(self.tmp, "nightly.yaml")

        def write_config(url):
            with open(config, "w") as f:
                f.write("""name: fleet-e2e
interpreters:
  - name: "3.13"
    version: "3.13"
    free_threaded: false
  - name: "3.13t"
    version: "3.13"
    free_threaded: true
benchmarks: ["nightly/steady_compute"]
threads: [1]
size: quick
repetitions: {processes: 2, warmups: 0, iterations: 2}
counters: none
timeout: 120s
output: {directory: %s, formats: [json]}
history:
  url: %s
  max_load: 100
  max_noise: 1
""" % (out_dir, url))

        write_config(dead_url)
        down = self.run_orchestrate("nightly", "--config", config, "--workloads-dir", workloads)
        self.assertIn(down.returncode, (0, 4, 5), down.stdout + down.stderr)  # the night's own verdict, not the server's
        pushes = [l for l in down.stderr.splitlines() if "not pushed" in l]
        self.assertEqual(len(pushes), 1, down.stderr)
        self.assertIn("the next push sends it", pushes[0])
        self.assertEqual(len([d for d in os.listdir(out_dir) if d.endswith("-fleet-e2e")]), 1, "the night ran and is kept")

        write_config(self.url)
        up = self.run_orchestrate("nightly", "--config", config, "--workloads-dir", workloads)
        self.assertIn(up.returncode, (0, 4, 5), up.stdout + up.stderr)
        self.assertNotIn("not pushed", up.stderr)
        self.assertEqual(self.count("nights"), 2, "both nights, the one the dead server missed included")
        again = self.run_orchestrate("history", "push", "--config", config)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0 nights pushed", again.stdout)

        # The password reached orchestrate only through PGPASSWORD: it is in no file it wrote.
        secret = self.pg.password.encode()
        for root, _, files in os.walk(out_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    self.assertNotIn(secret, f.read(), os.path.join(root, name))
        for out in (down, up, again):
            self.assertNotIn(self.pg.password, out.stdout + out.stderr)
        page = os.path.join(self.tmp, "fleet.html")
        html = self.run_orchestrate("history", "html", "--from", self.url, "--output", page)
        self.assertEqual(html.returncode, 0, html.stderr)
        with open(page, "rb") as f:
            self.assertNotIn(secret, f.read())

    def test_a_config_with_a_password_in_its_url_is_refused_at_its_line(self):
        config = os.path.join(self.tmp, "bad.yaml")
        with open(config, "w") as f:
            f.write("interpreters:\n  - name: x\n    version: '3.13'\nhistory:\n  url: postgresql://u:hunter2@db/fleet\n")
        out = self.run_orchestrate("history", "push", "--config", config, "--history", os.path.join(self.tmp, "h.sqlite"))
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("bad.yaml:5:", out.stderr)
        self.assertNotIn("hunter2", out.stderr)


if __name__ == "__main__":
    unittest.main()
