#!/usr/bin/env python3
"""A throwaway PostgreSQL server for the fleet tests: Debian's own initdb and pg_ctl, a
temporary directory, a free port on 127.0.0.1, password (SCRAM) authentication over TCP, and
an unprivileged user when the tests run as root (the server refuses to run as root).

As ctest fixtures:  postgres_server.py start DIR   (writes DIR/server.json: url, password)
                    postgres_server.py stop DIR
From Python:        with PostgresServer() as pg: pg.url, pg.password, pg.env(), pg.create_database()

Nothing here is the product: the product connects to whatever server a fleet runs."""
import glob
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile


def _bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    if not found:
        sys.exit("postgres_server: no PostgreSQL server installed (scripts/bootstrap installs Debian's postgresql)")
    return os.path.dirname(found[-1])


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    USER = "ftbench"

    def __init__(self, directory=None):
        self.owned_dir = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="ftbench-pg-")
        self.bin = _bin_dir()
        self.data = os.path.join(self.dir, "data")
        self.run_dir = os.path.join(self.dir, "run")  # the server's log and socket: the server's user writes there
        self.port = None
        self.password = None
        # As root the server runs as nobody; its files must be nobody's.
        self.run_as = pwd.getpwnam("nobody") if os.geteuid() == 0 else None

    @property
    def url(self):
        return "postgresql://%s@127.0.0.1:%d/postgres" % (self.USER, self.port)

    def url_for(self, database):
        return "postgresql://%s@127.0.0.1:%d/%s" % (self.USER, self.port, database)

    def env(self, **extra):
        """The environment a client needs: the password through libpq's PGPASSWORD."""
        env = dict(os.environ, PGPASSWORD=self.password, PGCONNECT_TIMEOUT="10")
        env.update(extra)
        return env

    def _server_cmd(self, *cmd, check=True, timeout=120):
        kwargs = {}
        if self.run_as:
            kwargs = dict(user=self.run_as.pw_uid, group=self.run_as.pw_gid, extra_groups=[])
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout,
                              cwd=self.dir, env=dict(os.environ, LC_ALL="C.UTF-8"), **kwargs)

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.password = secrets.token_hex(16)
        pwfile = os.path.join(self.dir, "pwfile")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        os.makedirs(self.data, exist_ok=True)
        os.makedirs(self.run_dir, exist_ok=True)
        if self.run_as:
            for path in (pwfile, self.data, self.run_dir):
                os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid)
        os.chmod(self.data, 0o700)
        try:
            self._server_cmd(os.path.join(self.bin, "initdb"), "-D", self.data, "-U", self.USER,
                             "--pwfile", pwfile, "--auth-host=scram-sha-256", "--auth-local=trust",
                             "-E", "UTF8", "--no-sync")
        except subprocess.CalledProcessError as e:
            raise RuntimeError("initdb failed:\n" + e.stdout + e.stderr)
        os.remove(pwfile)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n"
                    "shared_buffers = 64MB\n" % self.run_dir)
        # A free port is only free until someone takes it (tests run in parallel): try again.
        for _ in range(5):
            self.port = _free_port()
            out = self._server_cmd(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l",
                                   os.path.join(self.run_dir, "server.log"), "-o", "-p %d" % self.port,
                                   "-w", "-t", "60", "start", check=False)
            if out.returncode == 0:
                break
        if out.returncode != 0:
            log = ""
            try:
                with open(os.path.join(self.run_dir, "server.log")) as f:
                    log = f.read()[-3000:]
            except OSError:
                pass
            raise RuntimeError("pg_ctl start failed:\n%s%s\n%s" % (out.stdout, out.stderr, log))
        with open(os.path.join(self.dir, "server.json"), "w") as f:
            json.dump({"url": self.url, "password": self.password, "port": self.port, "dir": self.dir}, f)
        os.chmod(os.path.join(self.dir, "server.json"), 0o600)
        return self

    def stop(self, mode="fast"):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._server_cmd(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def psql(self, sql, database="postgres"):
        """Runs SQL as the server's superuser over TCP (as a client would); returns stdout."""
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url_for(database),
                              "-c", sql], capture_output=True, text=True, env=self.env(), timeout=60)
        if out.returncode != 0:
            raise RuntimeError("psql failed: %s\n%s" % (sql, out.stderr))
        return out.stdout

    def create_database(self, name):
        self.psql('CREATE DATABASE "%s"' % name)
        return self.url_for(name)

    @classmethod
    def attach(cls, directory):
        """The server a `start DIR` left running."""
        with open(os.path.join(directory, "server.json")) as f:
            info = json.load(f)
        server = cls(directory)
        server.port = info["port"]
        server.password = info["password"]
        return server

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop("immediate")
        if self.owned_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    directory = os.path.abspath(argv[2])
    if argv[1] == "start":
        if os.path.exists(os.path.join(directory, "server.json")):
            PostgresServer.attach(directory).stop("immediate")  # a server an earlier run left behind
        shutil.rmtree(directory, ignore_errors=True)
        server = PostgresServer(directory).start()
        print("postgres_server: %s (data in %s)" % (server.url, server.data))
    else:
        if os.path.exists(os.path.join(directory, "server.json")):
            PostgresServer.attach(directory).stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)
        print("postgres_server: stopped")


if __name__ == "__main__":
    main(sys.argv)
