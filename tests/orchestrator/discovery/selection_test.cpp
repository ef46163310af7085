// Version queries that follow what is installed (newest free-threaded, its default build, the
// newest CPython before free-threading), against stand-in interpreters: shell scripts that
// answer discovery's probe as CPython 3.14.0, 3.15.0a1 and so on would, so versions this
// machine does not have are tested through the real probe and search.
#include <gtest/gtest.h>

#include "../test_support.h"
#include "discovery/discovery.h"

using namespace ftbench;
using namespace ftbench::discovery;
using ftbench::testing::TempDir;
using ftbench::testing::write_text;

namespace {

// A stand-in CPython at `path` reporting `version` (e.g. "3.15.0a1"); sys.executable is the
// script itself, as a real interpreter reports its own path.
void stand_in(const std::filesystem::path& path, const std::string& version, bool free_threaded,
              const std::string& configure_args = "--without-ensurepip") {
  const auto numeric = PythonVersion::parse(version)->str();
  write_text(path,
             "#!/bin/sh\n"
             "printf '{\"implementation\": \"cpython\", \"version\": \"" + numeric + "\", \"version_text\": \"" +
                 version + "\", \"executable\": \"%s\", \"free_threaded_build\": " +
                 (free_threaded ? "true" : "false") + ", \"gil_enabled\": " + (free_threaded ? "false" : "true") +
                 ", \"configure_args\": \"" + configure_args + (free_threaded ? " --disable-gil" : "") +
                 "\", \"compiler\": \"stand-in\"}\\n' \"$0\"\n",
             true);
}

// A provisioned pair <cache>/<install>/{gil,nogil}, optionally with build records.
void provisioned_pair(const std::filesystem::path& cache, const std::string& install, const std::string& version,
                      const std::string& built_at = "", const std::string& commit = "", bool gil = true) {
  const auto minor = std::to_string(PythonVersion::parse(version)->major) + "." +
                     std::to_string(PythonVersion::parse(version)->minor);
  if (gil) stand_in(cache / install / "gil/bin" / ("python" + minor), version, false);
  stand_in(cache / install / "nogil/bin" / ("python" + minor + "t"), version, true);
  if (built_at.empty()) return;
  for (const char* flavour : {"gil", "nogil"})
    write_text(cache / install / flavour / "ftbench-build.json",
               "{\"source\": \"/src/cpython\", \"commit\": \"" + commit + "\", \"dirty\": false, \"version\": \"" +
                   version + "\", \"configure_flags\": [], \"built_at\": \"" + built_at + "\"}\n");
}

struct Machine {
  TempDir t;
  SearchRoots roots;
  Machine() {
    roots.provision_cache = t / "cache";
    roots.pyenv_versions = t / "pyenv";
    roots.uv_pythons = t / "uv";
    roots.path_dirs = {};
    roots.system_dirs = {t / "sys"};
  }
  std::vector<Interpreter> found() const {
    auto r = discover(roots);
    for (const auto& rej : r.rejected) ADD_FAILURE() << rej.path << ": " << rej.reason;
    return r.interpreters;
  }
};

InterpreterQuery rule(VersionRule r, std::optional<bool> free_threaded) {
  InterpreterQuery q;
  q.rule = r;
  q.free_threaded = free_threaded;
  return q;
}

Selection newest_ft(const std::vector<Interpreter>& found) {
  return select_interpreter(found, rule(VersionRule::newest_free_threaded, true));
}
Selection newest_ft_default(const std::vector<Interpreter>& found) {
  return select_interpreter(found, rule(VersionRule::newest_free_threaded, false));
}
Selection before_ft(const std::vector<Interpreter>& found) {
  return select_interpreter(found, rule(VersionRule::before_free_threading, false));
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(Selection, NewestFreeThreadedAndTheDefaultBuildOfItsProvisionedPair) {
  Machine m;
  provisioned_pair(m.t / "cache", "3.13.5-plain", "3.13.5");
  provisioned_pair(m.t / "cache", "3.14.0-plain", "3.14.0");
  stand_in(m.t / "pyenv/3.14.0/bin/python3.14", "3.14.0", false, "--enable-shared");
  stand_in(m.t / "pyenv/3.12.1/bin/python3.12", "3.12.1", false);
  stand_in(m.t / "sys/python3.11", "3.11.2", false);
  const auto found = m.found();
  ASSERT_EQ(found.size(), 7u);

  const auto ft = newest_ft(found);
  ASSERT_TRUE(ft.interpreter);
  EXPECT_EQ(ft.interpreter->short_name(), "3.14.0t");
  EXPECT_EQ(ft.interpreter->provisioned_install(), m.t / "cache/3.14.0-plain");
  EXPECT_TRUE(contains(ft.note.reason, "the newest free-threaded CPython found")) << ft.note.reason;
  EXPECT_TRUE(contains(ft.note.reason, "provisioned pair 3.14.0-plain")) << ft.note.reason;

  // The provisioned partner, not pyenv's 3.14.0 (other flags), although both are 3.14.0.
  const auto def = newest_ft_default(found);
  ASSERT_TRUE(def.interpreter);
  EXPECT_EQ(def.interpreter->executable, m.t / "cache/3.14.0-plain/gil/bin/python3.14");
  EXPECT_TRUE(contains(def.note.reason, "same provisioned pair")) << def.note.reason;
  EXPECT_TRUE(def.note.warning.empty());
  EXPECT_TRUE(def.note.stand_in_for.empty());

  const auto base = before_ft(found);
  ASSERT_TRUE(base.interpreter);
  EXPECT_EQ(base.interpreter->short_name(), "3.12.1");
  EXPECT_TRUE(contains(base.note.reason, "before free-threading")) << base.note.reason;
}

TEST(Selection, WithinTheNewestVersionAPairBeatsANewerPatchRelease) {
  Machine m;
  provisioned_pair(m.t / "cache", "3.14.0-plain", "3.14.0");
  stand_in(m.t / "uv/cpython-3.14.1-linux/bin/python3.14t", "3.14.1", true);
  stand_in(m.t / "uv/cpython-3.14.1-linux-gil/bin/python3.14", "3.14.1", false);
  const auto found = m.found();
  EXPECT_EQ(newest_ft(found).interpreter->provisioned_install(), m.t / "cache/3.14.0-plain");
  EXPECT_EQ(newest_ft_default(found).interpreter->provisioned_install(), m.t / "cache/3.14.0-plain");
}

TEST(Selection, WithoutAProvisionedPairTheSameReleaseIsPreferred) {
  Machine m;
  stand_in(m.t / "uv/cpython-3.14.0t/bin/python3.14t", "3.14.0", true);
  stand_in(m.t / "uv/cpython-3.14.0/bin/python3.14", "3.14.0", false);
  stand_in(m.t / "pyenv/3.14.1/bin/python3.14", "3.14.1", false);
  const auto found = m.found();
  const auto def = newest_ft_default(found);
  ASSERT_TRUE(def.interpreter);
  EXPECT_EQ(def.interpreter->version_text, "3.14.0");
  EXPECT_TRUE(contains(def.note.reason, "same release")) << def.note.reason;
  EXPECT_TRUE(contains(def.note.reason, "flags may differ")) << def.note.reason;
}

TEST(Selection, ANewerFreeThreadedBuildWithoutADefaultBuildIsComparedWithTheNearestAndNamed) {
  Machine m;
  provisioned_pair(m.t / "cache", "3.13.5-plain", "3.13.5");
  provisioned_pair(m.t / "cache", "3.14.0-plain", "3.14.0");
  stand_in(m.t / "uv/cpython-3.15.0a1t/bin/python3.15t", "3.15.0a1", true);
  stand_in(m.t / "pyenv/3.12.1/bin/python3.12", "3.12.1", false);
  const auto found = m.found();

  const auto ft = newest_ft(found);
  ASSERT_TRUE(ft.interpreter);
  EXPECT_EQ(ft.interpreter->short_name(), "3.15.0a1t");
  const auto def = newest_ft_default(found);
  ASSERT_TRUE(def.interpreter);
  EXPECT_EQ(def.interpreter->executable, m.t / "cache/3.14.0-plain/gil/bin/python3.14");
  EXPECT_EQ(def.note.stand_in_for, "3.15");
  EXPECT_TRUE(contains(def.note.warning, "3.15.0a1t")) << def.note.warning;
  EXPECT_TRUE(contains(def.note.warning, "no default (GIL) build of 3.15")) << def.note.warning;
  EXPECT_TRUE(contains(def.note.warning, "scripts/provision-python --source")) << def.note.warning;
  EXPECT_TRUE(contains(def.note.reason, "standing in for 3.15")) << def.note.reason;

  // Equally near on both sides: the older one (3.13's default for a 3.14t-only machine with 3.15).
  Machine tie;
  stand_in(tie.t / "uv/a/bin/python3.14t", "3.14.0", true);
  stand_in(tie.t / "uv/b/bin/python3.13", "3.13.5", false);
  stand_in(tie.t / "uv/c/bin/python3.15", "3.15.0a1", false);
  EXPECT_EQ(newest_ft_default(tie.found()).interpreter->version_text, "3.13.5");
}

TEST(Selection, PreReleasesAndSourceTreeBuildsOrderByReleaseThenBuildTime) {
  Machine m;
  // Two nights of one source tree (same version, two commits) and an older alpha.
  provisioned_pair(m.t / "cache", "3.15.0a1-plain-aaaaaaaaaaaa", "3.15.0a1+", "2026-01-01T02:30:00Z",
                   "aaaaaaaaaaaa1111");
  provisioned_pair(m.t / "cache", "3.15.0a1-plain-bbbbbbbbbbbb", "3.15.0a1+", "2026-01-02T02:30:00Z",
                   "bbbbbbbbbbbb2222");
  provisioned_pair(m.t / "cache", "3.15.0a1-plain", "3.15.0a1");  // the tagged alpha, from a tarball
  const auto found = m.found();
  const auto ft = newest_ft(found);
  ASSERT_TRUE(ft.interpreter);
  EXPECT_EQ(ft.interpreter->provisioned_install(), m.t / "cache/3.15.0a1-plain-bbbbbbbbbbbb");
  EXPECT_EQ(ft.interpreter->source_commit, "bbbbbbbbbbbb2222");
  EXPECT_TRUE(contains(ft.note.reason, "commit bbbbbbbbbbbb")) << ft.note.reason;
  EXPECT_EQ(newest_ft_default(found).interpreter->provisioned_install(), m.t / "cache/3.15.0a1-plain-bbbbbbbbbbbb");
  // A version spec prefers the latest build too.
  InterpreterQuery spec;
  spec.version = VersionSpec::parse("3.15");
  spec.free_threaded = true;
  EXPECT_EQ(select(found, spec)->source_commit, "bbbbbbbbbbbb2222");
}

TEST(Selection, NothingToFindSaysWhat) {
  Machine m;
  stand_in(m.t / "pyenv/3.12.1/bin/python3.12", "3.12.1", false);
  const auto found = m.found();
  const auto ft = newest_ft(found);
  EXPECT_FALSE(ft.interpreter);
  EXPECT_EQ(ft.note.reason, "no free-threaded CPython found");
  Machine only_new;
  provisioned_pair(only_new.t / "cache", "3.14.0-plain", "3.14.0");
  const auto base = before_ft(only_new.found());
  EXPECT_FALSE(base.interpreter);
  EXPECT_TRUE(contains(base.note.reason, "no CPython older than 3.13")) << base.note.reason;
}

TEST(Selection, QueriesDescribeThemselves) {
  EXPECT_EQ(rule(VersionRule::newest_free_threaded, true).describe(), "the newest free-threaded CPython");
  EXPECT_EQ(rule(VersionRule::newest_free_threaded, false).describe(),
            "the default build of the newest free-threaded CPython's version");
  EXPECT_EQ(rule(VersionRule::before_free_threading, false).describe(),
            "the newest CPython before free-threading (older than 3.13)");
}
