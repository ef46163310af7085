"""scripts/provision-python's decisions for source trees: the label of a build (commit, dirty
tree, plain directory), rebuild or not, old builds kept (and --keep N pruning), the stable alias,
the build record discovery reads, and that the user's checkout is never written to.

The real configure/make is replaced by tests/scripts/fake_cpython_build through
FTBENCH_PROVISION_BUILD_CMD: it installs stub interpreters that pass the script's verification
and answer orchestrate's discovery probe. A real build takes minutes; the script's own logic is
what is tested here."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("FTBENCH_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
SCRIPT = os.path.join(SOURCE, "scripts", "provision-python")
FAKE_BUILD = os.path.join(HERE, "fake_cpython_build")
ORCHESTRATE = os.environ.get("FTBENCH_ORCHESTRATE")


class ProvisionTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftbench-provision-")
        self.cache = os.path.join(self.tmp, "cache")
        self.builds_log = os.path.join(self.tmp, "builds.log")
        self.env = dict(os.environ)
        self.env.update({
            "XDG_CACHE_HOME": self.cache,
            "FTBENCH_PROVISION_BUILD_CMD": FAKE_BUILD,
            "FAKE_BUILD_LOG": self.builds_log,
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        })
        self.env.pop("FAKE_BUILD_FAIL", None)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------
    def tree(self, name="cpython", version="3.14.0", git=True):
        """A minimal 'CPython source tree': configure, Include/patchlevel.h, one source file."""
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.join(path, "Include"))
        self.write(path, "configure", "#!/bin/sh\necho configure\n")
        self.set_version(path, version)
        self.write(path, "Python/ceval.c", "int x;\n")
        if git:
            self.write(path, ".gitignore", "*.o\n")
            self.git(path, "init", "-q")
            self.commit(path, "import")
        return path

    def write(self, tree, rel, text):
        full = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def set_version(self, tree, version):
        self.write(tree, "Include/patchlevel.h", '#define PY_MAJOR_VERSION 3\n#define PY_VERSION      "%s"\n' % version)

    def git(self, tree, *args):
        return subprocess.run(["git", "-C", tree, *args], check=True, capture_output=True, text=True,
                              env=self.env).stdout.strip()

    def commit(self, tree, message):
        self.git(tree, "add", "-A")
        self.git(tree, "commit", "-q", "-m", message)
        return self.git(tree, "rev-parse", "HEAD")

    def provision(self, tree, *args, expect_ok=True):
        r = subprocess.run([SCRIPT, "--source", tree, *args], capture_output=True, text=True, env=self.env,
                           timeout=120)
        if expect_ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def builds(self):
        if not os.path.exists(self.builds_log):
            return []
        with open(self.builds_log) as f:
            return [line.split()[0] for line in f if line.strip()]

    def installs(self):
        root = os.path.join(self.cache, "ftbench", "python")
        return sorted(os.listdir(root)) if os.path.isdir(root) else []

    def record(self, install, flavour="nogil"):
        with open(os.path.join(self.cache, "ftbench", "python", install, flavour, "ftbench-build.json")) as f:
            return json.load(f)

    def alias(self, name="cpython-plain"):
        return os.readlink(os.path.join(self.cache, "ftbench", "current", name))

    def snapshot(self, tree):
        """Every path in the tree with its mtime and size (to prove nothing is written to it)."""
        out = {}
        for root, dirs, files in os.walk(tree):
            for name in dirs + files:
                p = os.path.join(root, name)
                st = os.lstat(p)
                out[os.path.relpath(p, tree)] = (st.st_mtime_ns, st.st_size)
        return out

    # --- tests -----------------------------------------------------------------------------
    def test_a_commit_is_built_once_labelled_and_recorded(self):
        tree = self.tree()
        commit = self.git(tree, "rev-parse", "HEAD")
        r = self.provision(tree)
        install = "3.14.0-plain-" + commit[:12]
        self.assertEqual(self.installs(), [install])
        prefix = os.path.join(self.cache, "ftbench", "python", install)
        self.assertEqual(r.stdout.split(), [prefix + "/gil/bin/python3.14", prefix + "/nogil/bin/python3.14t"])
        self.assertEqual(len(self.builds()), 2)
        for flavour, flags in (("gil", ["--without-ensurepip"]), ("nogil", ["--without-ensurepip", "--disable-gil"])):
            rec = self.record(install, flavour)
            self.assertEqual(rec["source"], os.path.realpath(tree))
            self.assertEqual(rec["kind"], "git")
            self.assertEqual(rec["commit"], commit)
            self.assertIs(rec["dirty"], False)
            self.assertEqual(rec["label"], commit[:12])
            self.assertEqual(rec["version"], "3.14.0")
            self.assertEqual(rec["configure_flags"], flags)
            self.assertRegex(rec["built_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(self.alias(), prefix)

        # Unchanged: nothing is built, the same pair is printed at once.
        again = self.provision(tree)
        self.assertEqual(again.stdout, r.stdout)
        self.assertEqual(len(self.builds()), 2)
        self.assertIn("already provisioned", again.stderr)

    def test_a_new_commit_is_a_new_build_and_the_old_one_stays(self):
        tree = self.tree()
        first = self.git(tree, "rev-parse", "HEAD")
        self.provision(tree)
        old_install = "3.14.0-plain-" + first[:12]
        old_record = self.record(old_install)
        self.write(tree, "Python/ceval.c", "int x = 1;\n")
        second = self.commit(tree, "change")
        r = self.provision(tree)
        new_install = "3.14.0-plain-" + second[:12]
        self.assertEqual(self.installs(), sorted([old_install, new_install]))
        self.assertEqual(len(self.builds()), 4)
        self.assertIn(new_install, r.stdout)
        self.assertEqual(self.record(old_install), old_record, "the previous build must not be touched")
        self.assertEqual(self.record(new_install)["commit"], second)
        self.assertTrue(self.alias().endswith(new_install))
        # Back to the first commit: its build is still there, nothing is rebuilt.
        self.git(tree, "checkout", "-q", first)
        r = self.provision(tree)
        self.assertEqual(len(self.builds()), 4)
        self.assertIn(old_install, r.stdout)
        self.assertTrue(self.alias().endswith(old_install))

    def test_keep_prunes_the_oldest_builds_of_this_tree_only(self):
        tree = self.tree()
        other = self.tree("other", version="3.13.5")
        self.provision(other)
        commits = [self.git(tree, "rev-parse", "HEAD")]
        self.provision(tree)
        for i in range(3):
            time.sleep(1.1)  # recency is the stamp's mtime, in whole seconds on some filesystems
            self.write(tree, "Python/ceval.c", "int x = %d;\n" % i)
            commits.append(self.commit(tree, "c%d" % i))
            self.provision(tree, "--keep", "2")
        mine = [i for i in self.installs() if i.startswith("3.14.0")]
        self.assertEqual(mine, sorted("3.14.0-plain-" + c[:12] for c in commits[-2:]))
        self.assertEqual(len([i for i in self.installs() if i.startswith("3.13.5")]), 1, "another tree's build stays")

    def test_uncommitted_changes_are_labelled_by_their_content(self):
        tree = self.tree()
        commit = self.git(tree, "rev-parse", "HEAD")
        self.write(tree, "Python/ceval.c", "int dirty;\n")
        r = self.provision(tree)
        (install,) = self.installs()
        self.assertRegex(install, r"^3\.14\.0-plain-%s-dirty-[0-9a-f]{8}$" % commit[:12])
        rec = self.record(install)
        self.assertIs(rec["dirty"], True)
        self.assertEqual(rec["commit"], commit)
        # Same content again (even touched): no rebuild. Other content: a new build.
        os.utime(os.path.join(tree, "Python/ceval.c"))
        self.assertEqual(self.provision(tree).stdout, r.stdout)
        self.assertEqual(len(self.builds()), 2)
        self.write(tree, "Python/ceval.c", "int dirtier;\n")
        self.provision(tree)
        self.assertEqual(len(self.installs()), 2)
        # An untracked file counts (make install would pick up a new Lib/ module); an ignored one does not.
        self.write(tree, "Lib/new_module.py", "x = 1\n")
        self.provision(tree)
        self.assertEqual(len(self.installs()), 3)
        self.write(tree, "Python/ceval.o", "object file")
        self.provision(tree)
        self.assertEqual(len(self.installs()), 3)

    def test_a_plain_directory_is_labelled_by_a_content_hash(self):
        tree = self.tree("src-copy", git=False)
        r = self.provision(tree)
        (install,) = self.installs()
        self.assertRegex(install, r"^3\.14\.0-plain-tree-[0-9a-f]{12}$")
        rec = self.record(install)
        self.assertEqual(rec["kind"], "tree")
        self.assertEqual(rec["commit"], "")
        os.utime(os.path.join(tree, "configure"))
        self.assertEqual(self.provision(tree).stdout, r.stdout)
        self.assertEqual(len(self.builds()), 2)
        self.write(tree, "Python/ceval.c", "int y;\n")
        self.provision(tree)
        self.assertEqual(len(self.installs()), 2)
        self.assertTrue(self.alias("src-copy-plain").endswith(sorted(self.installs(), key=lambda i: i != install)[1]))

    def test_the_checkout_is_never_written_to(self):
        tree = self.tree()
        self.write(tree, "Python/ceval.c", "int dirty;\n")
        before = self.snapshot(tree)
        self.provision(tree)
        self.maxDiff = None
        self.assertEqual(self.snapshot(tree), before)

    def test_a_failed_build_leaves_no_half_install_and_keeps_the_alias(self):
        tree = self.tree()
        good = self.provision(tree).stdout
        self.write(tree, "Python/ceval.c", "int broken;\n")
        self.commit(tree, "broken")
        self.env["FAKE_BUILD_FAIL"] = "1"
        r = self.provision(tree, expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("the gil build failed", r.stderr)
        self.assertEqual(len(self.installs()), 1, "the failed prefix must be removed, or discovery would find it")
        self.assertTrue(good.startswith(self.alias()))

    def test_versions_before_313_and_development_versions(self):
        old = self.tree("py312", version="3.12.7")
        r = self.provision(old)
        self.assertEqual(len(r.stdout.split()), 1, "no free-threaded build before 3.13")
        self.assertTrue(r.stdout.strip().endswith("/gil/bin/python3.12"))
        main = self.tree("main", version="3.15.0a1+")
        r = self.provision(main)
        commit = self.git(main, "rev-parse", "HEAD")
        install = "3.15.0a1-plain-" + commit[:12]
        self.assertIn(install, r.stdout)
        self.assertTrue(r.stdout.split()[1].endswith("/nogil/bin/python3.15t"))
        self.assertEqual(self.record(install)["version"], "3.15.0a1+")

    def test_a_tarball_gets_a_build_record_too(self):
        tree = self.tree("Python-3.14.0", git=False)
        tarball = os.path.join(self.tmp, "Python-3.14.0.tar.gz")
        subprocess.run(["tar", "-C", self.tmp, "-czf", tarball, "Python-3.14.0"], check=True)
        r = self.provision(tarball)
        self.assertEqual(self.installs(), ["3.14.0-plain"])
        rec = self.record("3.14.0-plain")
        self.assertEqual((rec["kind"], rec["commit"], rec["source"]), ("tarball", "", tarball))
        self.assertEqual(self.provision(tarball).stdout, r.stdout)
        self.assertEqual(len(self.builds()), 2)
        self.assertFalse(os.path.exists(os.path.join(self.cache, "ftbench", "current")), "aliases are for source trees")
        bad = self.provision(tarball, "--keep", "2", expect_ok=False)
        self.assertIn("--keep applies to a source directory", bad.stderr)

    def test_mistakes_are_one_clear_line(self):
        r = self.provision(os.path.join(self.tmp, "missing"), expect_ok=False)
        self.assertIn("neither a CPython source tarball nor a source directory", r.stderr)
        os.makedirs(os.path.join(self.tmp, "empty"))
        r = self.provision(os.path.join(self.tmp, "empty"), expect_ok=False)
        self.assertIn("is not a CPython source tree", r.stderr)
        r = self.provision(self.tree(), "--keep", "0", expect_ok=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--keep needs a number >= 1", r.stderr)

    @unittest.skipUnless(ORCHESTRATE, "FTBENCH_ORCHESTRATE is not set")
    def test_discovery_lists_every_commit_build_and_reads_its_record(self):
        tree = self.tree(version="3.15.0a1+")
        first = self.git(tree, "rev-parse", "HEAD")
        self.provision(tree)
        time.sleep(1.1)
        self.write(tree, "Python/ceval.c", "int x = 2;\n")
        second = self.commit(tree, "next")
        self.provision(tree)
        env = {"PATH": "/nonexistent", "HOME": self.tmp, "XDG_CACHE_HOME": self.cache,
               "PYENV_ROOT": os.path.join(self.tmp, "no-pyenv"), "UV_PYTHON_INSTALL_DIR": os.path.join(self.tmp, "no-uv")}
        out = subprocess.run([ORCHESTRATE, "interpreters", "--json"], capture_output=True, text=True, env=env,
                             timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        found = [i for i in json.loads(out.stdout)["interpreters"] if i.get("source") == "provisioned"]
        self.assertEqual(sorted(i.get("source_commit") for i in found), sorted([first, first, second, second]))
        self.assertTrue(all(i["version"] == "3.15.0a1+" and i.get("built_at") for i in found))


if __name__ == "__main__":
    unittest.main()
