#include <gtest/gtest.h>

#include "config/config.h"
#include "util/error.h"
#include "build_paths.h"  // generated: FTBENCH_SOURCE_DIR and friends

using namespace ftbench;
using namespace ftbench::config;

namespace {

// The error message for `yaml`, or "" when it parses.
std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "test.yaml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConfigLoader, ParsesEveryKey) {
  auto c = parse_config(R"(
name: nightly
requires: {kernel: "5.10"}
interpreters:
  - {name: base, version: "3.12", free_threaded: false, baseline: true}
  - {version: "3.13", free_threaded: true, env: {PYTHON_GIL: "1"}, required: false, source: provisioned}
  - /opt/python/bin/python3
  - 3.13t
benchmarks: {include: ["memory/*"], exclude: [memory/ordering/alignment], tags: [memory]}
threads: [1, 2, ncpu]
size: quick
repetitions: {processes: 4, warmups: 2, iterations: 7, target_rel_ci: 0.02, max_time: 5m}
counters: {profile: detailed, events: [cycles, {name: hitm, required: true}]}
affinity: [0, 2]
timeout: 90s
output: {directory: out, formats: [json, csv]}
seed: 42
)", "test.yaml");
  EXPECT_EQ(c.name, "nightly");
  ASSERT_EQ(c.interpreters.size(), 4u);
  EXPECT_TRUE(c.interpreters[0].baseline);
  EXPECT_EQ(c.interpreters[0].name, "base");
  EXPECT_FALSE(*c.interpreters[0].query.free_threaded);
  EXPECT_EQ(c.interpreters[1].env.at("PYTHON_GIL"), "1");
  EXPECT_FALSE(c.interpreters[1].required);
  EXPECT_EQ(*c.interpreters[1].query.source, discovery::Source::provisioned);
  EXPECT_EQ(c.interpreters[2].path->string(), "/opt/python/bin/python3");
  EXPECT_TRUE(*c.interpreters[3].query.free_threaded);
  EXPECT_EQ(c.interpreters[0].where.line, 5);
  EXPECT_EQ(c.benchmarks.include, std::vector<std::string>{"memory/*"});
  EXPECT_EQ(c.benchmarks.exclude.size(), 1u);
  ASSERT_EQ(c.threads.size(), 3u);
  EXPECT_TRUE(c.threads[2].ncpu);
  EXPECT_EQ(c.size, "quick");
  EXPECT_EQ(c.repetitions.processes, 4);
  EXPECT_EQ(c.repetitions.warmups, 2);
  EXPECT_EQ(c.repetitions.iterations, 7);
  EXPECT_DOUBLE_EQ(*c.repetitions.target_rel_ci, 0.02);
  EXPECT_DOUBLE_EQ(c.repetitions.max_seconds, 300);
  EXPECT_EQ(c.counters.profile, perf::Profile::detailed);
  ASSERT_EQ(c.counters.events.size(), 2u);
  EXPECT_TRUE(c.counters.events[1].required);
  EXPECT_EQ(c.affinity.mode, Affinity::Mode::list);
  EXPECT_EQ(c.affinity.cpus, (std::vector<int>{0, 2}));
  EXPECT_DOUBLE_EQ(c.timeout_seconds, 90);
  EXPECT_EQ(c.output.formats, (std::vector<OutputFormat>{OutputFormat::json, OutputFormat::csv}));
  EXPECT_EQ(*c.seed, 42u);
}

TEST(ConfigLoader, UnknownKeyNamesFileLineColumnAndSuggests) {
  auto err = error_of("interpreters: [3.13t]\nthreds: [1]\n");
  EXPECT_EQ(err.rfind("test.yaml:2:1: unknown key 'threds'", 0), 0u) << err;
  EXPECT_NE(err.find("did you mean 'threads'"), std::string::npos) << err;
}

TEST(ConfigLoader, UnknownNestedKeyPointsAtIt) {
  auto err = error_of("interpreters:\n  - version: \"3.13\"\n    free_thread: true\n");
  EXPECT_EQ(err.rfind("test.yaml:3:5: unknown key 'free_thread' in interpreters[0]", 0), 0u) << err;
}

TEST(ConfigLoader, WrongTypesArePositioned) {
  EXPECT_EQ(error_of("interpreters: [3.13t]\nrepetitions: {processes: many}\n")
                .rfind("test.yaml:2:26: repetitions.processes must be an integer", 0),
            0u);
  EXPECT_EQ(error_of("interpreters: [3.13t]\nthreads: [1, lots]\n").rfind("test.yaml:2:14:", 0), 0u);
  EXPECT_EQ(error_of("interpreters: [3.13t]\ncounters: {profile: everything}\n").rfind("test.yaml:2:21:", 0), 0u);
  EXPECT_EQ(error_of("interpreters: [3.13t]\ntimeout: soon\n").rfind("test.yaml:2:10:", 0), 0u);
  EXPECT_EQ(error_of("interpreters: [3.13t]\naffinity: sometimes\n").rfind("test.yaml:2:11:", 0), 0u);
  EXPECT_EQ(error_of("interpreters: [3.13t]\noutput: {formats: [pdf]}\n").rfind("test.yaml:2:20:", 0), 0u);
  EXPECT_EQ(error_of("interpreters:\n  - {version: \"three\"}\n").rfind("test.yaml:2:15:", 0), 0u);
}

TEST(ConfigLoader, MalformedYamlGivesParserPosition) {
  auto err = error_of("interpreters: [3.13t\nthreads: [1]\n");
  EXPECT_EQ(err.rfind("test.yaml:", 0), 0u) << err;
  EXPECT_NE(err.find("invalid YAML"), std::string::npos) << err;
}

TEST(ConfigLoader, StructuralMistakes) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("threads: [1]\n").find("needs an 'interpreters' list"), std::string::npos);
  EXPECT_NE(error_of("interpreters: []\n").find("non-empty"), std::string::npos);
  EXPECT_NE(error_of("interpreters:\n  - {path: /x, version: \"3.13\"}\n").find("both a path and"), std::string::npos);
  EXPECT_NE(error_of("interpreters:\n  - {name: x}\n").find("needs a path, or a version"), std::string::npos);
  EXPECT_NE(error_of("interpreters:\n  - {version: \"3.12\", baseline: true}\n  - {version: \"3.13\", baseline: true}\n")
                .find("more than one"),
            std::string::npos);
}

TEST(ConfigLoader, MissingFileIsOneLine) {
  try {
    load_config("/nonexistent/dir/x.yaml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/x.yaml: config file not found (see configs/ for examples)");
  }
}

TEST(ConfigLoader, ShippedConfigsParse) {
  for (const char* name : {"smoke", "default", "linux510"}) {
    auto c = load_config(std::string(FTBENCH_SOURCE_DIR) + "/configs/" + name + ".yaml");
    EXPECT_FALSE(c.interpreters.empty()) << name;
    EXPECT_EQ(c.name, name);
  }
}

TEST(ConfigOverrides, FlagsReplaceFileValues) {
  auto c = parse_config("interpreters: [3.12, 3.13t]\nthreads: [1]\nrepetitions: {processes: 4, target_rel_ci: 0.02}\n",
                        "t.yaml");
  Overrides o;
  o.benchmarks = {"gil/*"};
  o.profile = "none";
  o.threads = {"2", "ncpu"};
  o.pythons = {"3.13", "/usr/bin/python3"};
  o.output = "/tmp/out";
  o.processes = "9";
  apply_overrides(c, o);
  EXPECT_EQ(c.benchmarks.include, std::vector<std::string>{"gil/*"});
  EXPECT_EQ(c.counters.profile, perf::Profile::none);
  EXPECT_EQ(c.threads.size(), 2u);
  ASSERT_EQ(c.interpreters.size(), 2u);
  EXPECT_FALSE(*c.interpreters[0].query.free_threaded);
  EXPECT_TRUE(c.interpreters[1].path.has_value());
  EXPECT_EQ(c.output.directory, "/tmp/out");
  EXPECT_EQ(c.repetitions.processes, 9);
  EXPECT_FALSE(c.repetitions.target_rel_ci) << "--repetitions 9 means 9, not 9 and then adaptive rounds";

  Overrides bad;
  bad.profile = "all";
  EXPECT_THROW(apply_overrides(c, bad), UserError);
  Overrides bad_threads;
  bad_threads.threads = {"0"};
  EXPECT_THROW(apply_overrides(c, bad_threads), UserError);
}

// The file and the flags validate through the same parsers: what one refuses, so does the other.
TEST(ConfigOverrides, FlagsAndFileAgreeOnWhatIsValid) {
  const std::string base = "interpreters: [3.13t]\n";
  auto refused_by_file = [&](const std::string& yaml) {
    try {
      parse_config(base + yaml, "t.yaml");
      return false;
    } catch (const UserError&) {
      return true;
    }
  };
  auto refused_by_flags = [&](Overrides o) {
    auto c = parse_config(base, "t.yaml");
    try {
      apply_overrides(c, o);
      return false;
    } catch (const UserError&) {
      return true;
    }
  };
  for (const std::string size : {"0", "-3", "huge", "default", "quick", "12"}) {
    Overrides o;
    o.size = size;
    EXPECT_EQ(refused_by_file("size: " + size + "\n"), refused_by_flags(o)) << size;
  }
  for (const std::string n : {"0", "1", "-1", "x", "10001"}) {
    Overrides o;
    o.processes = n;
    EXPECT_EQ(refused_by_file("repetitions: {processes: " + n + "}\n"), refused_by_flags(o)) << n;
    Overrides w;
    w.warmups = n;
    EXPECT_EQ(refused_by_file("repetitions: {warmups: " + n + "}\n"), refused_by_flags(w)) << n;
  }
  for (const std::string t : {"0", "90", "5m", "1h", "-2", "soon"}) {
    Overrides o;
    o.timeout = t;
    EXPECT_EQ(refused_by_file("timeout: " + t + "\n"), refused_by_flags(o)) << t;
  }
  for (const std::string p : {"none", "basic", "detailed", "all"}) {
    Overrides o;
    o.profile = p;
    EXPECT_EQ(refused_by_file("counters: " + p + "\n"), refused_by_flags(o)) << p;
  }
}

// version: newest-free-threaded / before-free-threading, and names that follow the version found.
TEST(ConfigLoader, VersionRulesAndNameTemplates) {
  auto c = parse_config(R"(
interpreters:
  - {name: baseline, version: before-free-threading, baseline: true}
  - {name: "{minor}", version: newest-free-threaded, free_threaded: false}
  - {name: "{minor}t", version: newest-free-threaded, free_threaded: true, source: provisioned}
  - newest-free-threaded
  - {name: "py{version}", version: "3.13"}
)", "test.yaml");
  using discovery::VersionRule;
  ASSERT_EQ(c.interpreters.size(), 5u);
  EXPECT_EQ(c.interpreters[0].query.rule, VersionRule::before_free_threading);
  EXPECT_EQ(c.interpreters[0].query.free_threaded, false);  // implied: nothing free-threaded predates 3.13
  EXPECT_FALSE(c.interpreters[0].query.version);
  EXPECT_EQ(c.interpreters[1].query.rule, VersionRule::newest_free_threaded);
  EXPECT_EQ(c.interpreters[1].query.free_threaded, false);
  EXPECT_EQ(c.interpreters[1].name, "{minor}");
  EXPECT_EQ(c.interpreters[2].query.free_threaded, true);
  EXPECT_EQ(c.interpreters[3].query.rule, VersionRule::newest_free_threaded);  // shorthand: the free-threaded build
  EXPECT_EQ(c.interpreters[3].query.free_threaded, true);
  EXPECT_EQ(c.interpreters[4].query.rule, VersionRule::spec);

  discovery::Interpreter found;
  found.version = {3, 15, 0};
  found.version_text = "3.15.0a1+";
  EXPECT_EQ(expand_name("{minor}t+GIL", found), "3.15t+GIL");
  EXPECT_EQ(expand_name("py{version}/{minor}", found), "py3.15.0a1+/3.15");
  EXPECT_EQ(expand_name("plain", found), "plain");
  EXPECT_EQ(expand_name("", found), "");
}

TEST(ConfigLoader, VersionRuleMistakesArePositioned) {
  auto err = error_of("interpreters:\n  - {version: newest-free-threaded}\n");
  EXPECT_EQ(err.rfind("test.yaml:2:15: ", 0), 0u) << err;
  EXPECT_NE(err.find("needs free_threaded: true"), std::string::npos) << err;

  err = error_of("interpreters:\n  - version: before-free-threading\n    free_threaded: true\n");
  EXPECT_EQ(err.rfind("test.yaml:3:20: ", 0), 0u) << err;
  EXPECT_NE(err.find("no free-threaded build exists before 3.13"), std::string::npos) << err;

  err = error_of("interpreters:\n  - {version: newest-free-threading, free_threaded: true}\n");
  EXPECT_EQ(err.rfind("test.yaml:2:15: ", 0), 0u) << err;
  EXPECT_NE(err.find("newest-free-threaded, before-free-threading"), std::string::npos) << err;

  err = error_of("interpreters:\n  - {name: \"{major}t\", version: \"3.13\"}\n");
  EXPECT_EQ(err.rfind("test.yaml:2:12: ", 0), 0u) << err;
  EXPECT_NE(err.find("unknown placeholder {major}"), std::string::npos) << err;
  EXPECT_NE(error_of("interpreters:\n  - {name: \"{minor\", version: \"3.13\"}\n").find("does not close"),
            std::string::npos);
  EXPECT_NE(error_of("interpreters:\n  - {path: /x/python3, version: newest-free-threaded}\n").find("both a path and"),
            std::string::npos);
}

TEST(ConfigLoader, PathsExpandHome) {
  const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  if (home.empty()) GTEST_SKIP() << "no HOME";
  const std::string alias = ".cache/ftbench/current/cpython-plain/nogil/bin/python3";
  auto c = parse_config("interpreters:\n  - path: ~/" + alias + "\n", "t.yaml");
  EXPECT_EQ(*c.interpreters[0].path, std::filesystem::path(home) / alias);
  EXPECT_EQ(*parse_python_argument("~/py/bin/python3").path, std::filesystem::path(home) / "py/bin/python3");
}

TEST(ConfigLoader, ShippedDefaultAndSmokeFollowTheNewestFreeThreadedCPython) {
  using discovery::VersionRule;
  for (const char* name : {"smoke", "default"}) {
    auto c = load_config(std::string(FTBENCH_SOURCE_DIR) + "/configs/" + name + ".yaml");
    EXPECT_EQ(c.interpreters[0].query.rule, VersionRule::before_free_threading) << name;
    EXPECT_TRUE(c.interpreters[0].baseline) << name;
    for (size_t i = 1; i < c.interpreters.size(); ++i)
      EXPECT_EQ(c.interpreters[i].query.rule, VersionRule::newest_free_threaded) << name << " " << i;
  }
  // The product's reference matrix stays pinned.
  auto linux510 = load_config(std::string(FTBENCH_SOURCE_DIR) + "/configs/linux510.yaml");
  for (const auto& spec : linux510.interpreters) {
    EXPECT_EQ(spec.query.rule, VersionRule::spec);
    ASSERT_TRUE(spec.query.version);
  }
}

TEST(ConfigLoader, HistoryUrlIsCheckedAndNeverEchoesAPassword) {
  auto c = parse_config("interpreters: [3.13t]\nhistory:\n  url: postgresql://ftbench@db.example.org:5432/fleet\n",
                        "t.yaml");
  ASSERT_TRUE(c.history.url);
  EXPECT_EQ(*c.history.url, "postgresql://ftbench@db.example.org:5432/fleet");
  auto err = error_of("interpreters: [3.13t]\nhistory:\n  url: postgresql://ftbench:hunter2@db/fleet\n");
  EXPECT_EQ(err.rfind("test.yaml:3:8: history.url: it holds a password", 0), 0u) << err;
  EXPECT_EQ(err.find("hunter2"), std::string::npos) << err;
  err = error_of("interpreters: [3.13t]\nhistory:\n  url: mysql://db/fleet\n");
  EXPECT_NE(err.find("not a PostgreSQL URL"), std::string::npos) << err;
}

TEST(ConfigLimits, DefaultsAreSafeAndDocumentedOnce) {
  const auto c = parse_config("interpreters: [3.13t]\n", "t.yaml");
  EXPECT_EQ(c.limits.memory_bytes, kDefaultMemoryLimitBytes);
  EXPECT_EQ(c.limits.log_bytes, kDefaultLogLimitBytes);
  EXPECT_EQ(c.limits.open_files, kDefaultOpenFilesLimit);
  EXPECT_EQ(kDefaultMemoryLimitBytes, 4ULL << 30);
  EXPECT_EQ(kDefaultLogLimitBytes, 64ULL << 20);
}

TEST(ConfigLimits, SizesAsPeopleWriteThem) {
  const auto c = parse_config("interpreters: [3.13t]\nlimits: {memory: 1.5G, log: 512K, open_files: 256}\n", "t.yaml");
  EXPECT_EQ(c.limits.memory_bytes, 3ULL << 29);
  EXPECT_EQ(c.limits.log_bytes, 512ULL << 10);
  EXPECT_EQ(c.limits.open_files, 256u);
  const auto d = parse_config("interpreters: [3.13t]\nlimits:\n  memory: unlimited\n  log: 1048576\n", "t.yaml");
  EXPECT_FALSE(d.limits.memory_bytes.has_value());
  EXPECT_EQ(d.limits.log_bytes, 1ULL << 20);
  EXPECT_EQ(d.limits.open_files, kDefaultOpenFilesLimit);
  const auto e = parse_config("interpreters: [3.13t]\nlimits: {open_files: unlimited}\n", "t.yaml");
  EXPECT_FALSE(e.limits.open_files.has_value());  // "unlimited" turns each limit off, this one too
  EXPECT_EQ(parse_size_limit("4G", "x", 0), 4ULL << 30);
  EXPECT_EQ(parse_size_limit("512M", "x", 0), 512ULL << 20);
  EXPECT_EQ(parse_size_limit("2GiB", "x", 0), 2ULL << 30);
  EXPECT_EQ(parse_size_limit("64k", "x", 0), 64ULL << 10);
}

TEST(ConfigLimits, BadSizesAreRefusedAtTheirPosition) {
  const std::string base = "interpreters: [3.13t]\nlimits:\n";
  auto e = error_of(base + "  memory: 4Q\n");
  EXPECT_EQ(e.rfind("test.yaml:3:11: limits.memory must be a size like 512M", 0), 0u) << e;
  EXPECT_NE(e.find("units: K, M, G, T"), std::string::npos) << e;
  e = error_of(base + "  log: -1M\n");
  EXPECT_EQ(e.rfind("test.yaml:3:8: limits.log must be a size", 0), 0u) << e;
  e = error_of(base + "  memory: 1.5\n");
  EXPECT_EQ(e.rfind("test.yaml:3:11: ", 0), 0u) << e;
  EXPECT_NE(e.find("a fraction needs a unit"), std::string::npos) << e;
  e = error_of(base + "  memory: 1M\n");
  EXPECT_NE(e.find("limits.memory must be at least 32M, not '1M'"), std::string::npos) << e;
  e = error_of(base + "  open_files: 4\n");
  EXPECT_EQ(e.rfind("test.yaml:3:15: limits.open_files must be between 16 and 1048576", 0), 0u) << e;
  e = error_of(base + "  memroy: 4G\n");
  EXPECT_NE(e.find("test.yaml:3:3: unknown key 'memroy' in limits (did you mean 'memory'?)"), std::string::npos) << e;
  e = error_of(base + "  memory: [4G]\n");
  EXPECT_EQ(e.rfind("test.yaml:3:11: ", 0), 0u) << e;
}

TEST(ConfigLimits, CommandLineOverridesGoThroughTheSameParser) {
  auto c = parse_config("interpreters: [3.13t]\nlimits: {memory: 8G}\n", "t.yaml");
  Overrides o;
  o.limits = {"memory=2G", "log=1M", "open_files=128"};
  apply_overrides(c, o);
  EXPECT_EQ(c.limits.memory_bytes, 2ULL << 30);
  EXPECT_EQ(c.limits.log_bytes, 1ULL << 20);
  EXPECT_EQ(c.limits.open_files, 128u);
  for (const auto& bad : {"memory", "memory=4Q", "disk=1G"}) {
    Overrides b;
    b.limits = {bad};
    try {
      apply_overrides(c, b);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(std::string("--limit ") + bad, 0), 0u) << e.what();
    }
  }
}
