#include "discovery/discovery.h"

#include <gtest/gtest.h>

#include "../test_support.h"
#include "util/error.h"

using namespace ftbench;
using namespace ftbench::discovery;
using ftbench::testing::TempDir;
using ftbench::testing::write_text;

TEST(Discovery, FileNameFilter) {
  EXPECT_TRUE(looks_like_python3("python3"));
  EXPECT_TRUE(looks_like_python3("python3.13"));
  EXPECT_TRUE(looks_like_python3("python3.13t"));
  EXPECT_FALSE(looks_like_python3("python3.13-config"));
  EXPECT_FALSE(looks_like_python3("python2.7"));
  EXPECT_FALSE(looks_like_python3("python"));
  EXPECT_FALSE(looks_like_python3("python3.13d"));
}

TEST(Discovery, CandidatesInPreferenceOrderFromEverySource) {
  TempDir t;
  for (auto p : {"cache/3.13.5-plain/gil/bin/python3.13", "cache/3.13.5-plain/nogil/bin/python3.13t",
                 "pyenv/3.12.1/bin/python3.12", "pyenv/3.12.1/bin/python3", "pyenv/3.12.1/bin/python3.12-config",
                 "uv/cpython-3.14.0-linux/bin/python3.14t", "path/python3.11", "sys/python3.10"})
    write_text(t / p, "#!/bin/sh\n", true);
  SearchRoots roots;
  roots.provision_cache = t / "cache";
  roots.pyenv_versions = t / "pyenv";
  roots.uv_pythons = t / "uv";
  roots.path_dirs = {t / "path"};
  roots.system_dirs = {t / "sys"};
  auto c = find_candidates(roots);
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c[0].source, Source::provisioned);
  EXPECT_EQ(c[1].source, Source::provisioned);
  EXPECT_EQ(c[2].path.filename(), "python3.12");  // most specific name first
  EXPECT_EQ(c[3].path.filename(), "python3");
  EXPECT_EQ(c[4].source, Source::uv);
  EXPECT_EQ(c[5].source, Source::path);
  EXPECT_EQ(c[6].source, Source::system);
}

TEST(Discovery, PyenvShimsAreSkipped) {
  TempDir t;
  setenv("PYENV_ROOT", (t / "pyenv").c_str(), 1);
  std::string old_path = getenv("PATH");
  setenv("PATH", ((t / "pyenv/shims").string() + ":/usr/bin").c_str(), 1);
  auto roots = SearchRoots::from_environment();
  setenv("PATH", old_path.c_str(), 1);
  unsetenv("PYENV_ROOT");
  ASSERT_EQ(roots.path_dirs.size(), 1u);
  EXPECT_EQ(roots.path_dirs[0], "/usr/bin");
  EXPECT_EQ(roots.pyenv_versions, t / "pyenv/versions");
}

TEST(Discovery, ProbeRejectsWhatIsNotCPython) {
  TempDir t;
  write_text(t / "python3.99", "#!/bin/sh\necho hello\n", true);
  write_text(t / "python3.98", "#!/bin/sh\necho oops >&2\nexit 3\n", true);
  write_text(t / "notexec", "x", false);
  auto message = [&](const std::filesystem::path& p) -> std::string {
    try {
      probe_interpreter(p, Source::explicit_path);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(t / "python3.99").find("is not a CPython 3"), std::string::npos);
  EXPECT_NE(message(t / "python3.98").find("exit code 3: oops"), std::string::npos);
  EXPECT_NE(message(t / "notexec").find("not an executable file"), std::string::npos);
  EXPECT_NE(message(t / "missing").find("does not exist"), std::string::npos);
}

TEST(Discovery, FindsRealInterpretersOncePerExecutable) {
  auto result = discover(SearchRoots::from_environment());
  ASSERT_FALSE(result.interpreters.empty()) << "no CPython found on this machine";
  std::set<std::filesystem::path> executables;
  for (const auto& f : result.interpreters) {
    EXPECT_EQ(f.implementation, "cpython");
    EXPECT_TRUE(executables.insert(f.executable).second) << f.executable;
    EXPECT_GE(f.version.major, 3);
    // A free-threaded build starts with the GIL off unless PYTHON_GIL says otherwise; the
    // probe runs with a clean environment.
    if (f.free_threaded_build) EXPECT_FALSE(f.gil_enabled) << f.path;
    else EXPECT_TRUE(f.gil_enabled) << f.path;
  }
}

// scripts/provision-python writes <prefix>/ftbench-build.json; the probe reads the commit
// (marked "-dirty" for a tree with uncommitted changes) and the build time from it.
TEST(Discovery, ProbeReadsTheProvisionedBuildRecord) {
  TempDir t;
  const auto python = t / "3.15.0a1-plain-0123456789ab/nogil/bin/python3.15t";
  write_text(python,
             "#!/bin/sh\nprintf '{\"implementation\": \"cpython\", \"version\": \"3.15.0\", \"version_text\": "
             "\"3.15.0a1+\", \"executable\": \"%s\", \"free_threaded_build\": true, \"gil_enabled\": false, "
             "\"configure_args\": \"\", \"compiler\": \"\"}\\n' \"$0\"\n",
             true);
  auto probed = probe_interpreter(python, Source::provisioned);
  EXPECT_EQ(probed.source_commit, "");
  EXPECT_EQ(probed.built_at, "");
  EXPECT_EQ(probed.version_text, "3.15.0a1+");
  EXPECT_EQ(probed.provisioned_install(), t / "3.15.0a1-plain-0123456789ab");

  const auto record = t / "3.15.0a1-plain-0123456789ab/nogil/ftbench-build.json";
  write_text(record,
             R"({"source": "/src/cpython", "kind": "git", "commit": "0123456789abcdef0123456789abcdef01234567",
                 "dirty": false, "label": "0123456789ab", "version": "3.15.0a1+",
                 "configure_flags": ["--without-ensurepip", "--disable-gil"], "built_at": "2026-01-02T03:04:05Z"})");
  probed = probe_interpreter(python, Source::provisioned);
  EXPECT_EQ(probed.source_commit, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(probed.built_at, "2026-01-02T03:04:05Z");

  write_text(record, R"({"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": true})");
  EXPECT_EQ(probe_interpreter(python, Source::provisioned).source_commit,
            "0123456789abcdef0123456789abcdef01234567-dirty");
  write_text(record, R"({"commit": "", "dirty": false, "kind": "tarball"})");
  EXPECT_EQ(probe_interpreter(python, Source::provisioned).source_commit, "");
  write_text(record, "not json");
  EXPECT_EQ(probe_interpreter(python, Source::provisioned).source_commit, "");
  // Not under gil/ or nogil/: no pair to belong to.
  EXPECT_TRUE(probe_interpreter(python, Source::pyenv).provisioned_install().empty());
}
