#include "results/manifest.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace ftbench;
using namespace ftbench::results;

TEST(ManifestCodec, RoundTripsAndRejectsNewerSchema) {
  Manifest m;
  m.run_id = "r1";
  m.config_text = "interpreters: [3.13t]\n";
  m.status = RunState::complete;
  m.affinity = {config::Affinity::Mode::list, {0}};
  m.formats = {config::OutputFormat::json, config::OutputFormat::html};
  plan::TestedInterpreter i;
  i.label = "3.13t+GIL";
  i.env = {{"PYTHON_GIL", "1"}};
  i.interpreter.version_text = "3.13.5";
  i.interpreter.free_threaded_build = true;
  i.interpreter.source = discovery::Source::provisioned;
  i.interpreter.source_commit = "0123456789abcdef-dirty";
  i.interpreter.built_at = "2026-01-02T03:04:05Z";
  i.resolution = discovery::SelectionNote{"the newest free-threaded CPython", "3.13.5t (...): the newest", "", "3.14"};
  m.plan.interpreters = {i};
  harness::Benchmark b;
  b.id = "script:x.py";
  b.kind = harness::Kind::script;
  b.script_path = "/x.py";
  b.script_args = {"--n", "3"};
  m.plan.benchmarks = {b};
  m.plan.threads = {1, 2};
  m.plan.seed = 99;
  m.plan.repetitions.processes = 2;
  m.plan.repetitions.target_rel_ci = 0.02;
  m.plan.events = {{"hitm", true}};
  m.plan.items = plan::interleave(1, 1, {1, 2}, 2, 99);
  m.machine.perf_event_paranoid = 2;
  const auto text = json::to_string(m);
  auto doc = json::parse(text);
  ASSERT_TRUE(doc);
  Manifest back;
  from_json(*doc, back);
  EXPECT_EQ(json::to_string(back), text);
  EXPECT_EQ(back.plan.item_id(back.plan.items[3]), m.plan.item_id(m.plan.items[3]));
  EXPECT_EQ(back.plan.interpreters[0].interpreter.source, discovery::Source::provisioned);
  EXPECT_EQ(back.plan.interpreters[0].interpreter.built_at, "2026-01-02T03:04:05Z");
  ASSERT_TRUE(back.plan.interpreters[0].resolution);
  EXPECT_EQ(back.plan.interpreters[0].resolution->stand_in_for, "3.14");
  EXPECT_EQ(back.plan.interpreters[0].resolution->query, "the newest free-threaded CPython");
  EXPECT_EQ(back.plan.benchmarks[0].kind, harness::Kind::script);
  EXPECT_EQ(back.status, RunState::complete);

  (*doc)["schema_version"].SetInt(kSchemaVersion + 1);
  Manifest newer;
  EXPECT_THROW(from_json(*doc, newer), UserError);
}

// What schema version 1 wrote before the unification: "PATH" as a source, no "processes".
TEST(ManifestCodec, ReadsTheVersion1Layout) {
  const auto doc = json::parse(R"({
    "schema": "ftbench-results", "schema_version": 1, "run_id": "old", "status": "complete",
    "config": {"seed": 5, "warmups": 2, "iterations": 7, "size": "quick", "timeout_s": 60,
               "target_rel_ci": 0, "threads": [1, 2], "affinity": "auto", "formats": ["json", "pdf"],
               "events": [{"name": "task-clock", "required": false}]},
    "interpreters": [{"label": "3.12", "baseline": true, "env": {},
                      "facts": {"path": "/usr/bin/python3.12", "source": "PATH", "version": "3.12.1"}}],
    "benchmarks": [{"id": "gil/contention", "kind": "suite", "scaling": "weak", "tags": []}],
    "plan": [{"sequence": 0, "round": 0, "interpreter": 0, "benchmark": 0, "threads": 1, "process_index": 0},
             {"sequence": 1, "round": 1, "interpreter": 0, "benchmark": 0, "threads": 1, "process_index": 1}],
    "machine": {"hostname": "h", "governor": null, "usable_cpus": [0, 1]}})");
  ASSERT_TRUE(doc);
  Manifest m;
  from_json(*doc, m);
  EXPECT_EQ(m.plan.repetitions.warmups, 2);
  EXPECT_EQ(m.plan.repetitions.processes, 2);  // the rounds planned
  EXPECT_FALSE(m.plan.repetitions.target_rel_ci.has_value());
  EXPECT_EQ(m.affinity.mode, config::Affinity::Mode::automatic);
  EXPECT_EQ(m.formats, std::vector<config::OutputFormat>{config::OutputFormat::json});  // "pdf" skipped
  EXPECT_EQ(m.plan.interpreters[0].interpreter.source, discovery::Source::path);
  EXPECT_EQ(m.plan.interpreters[0].interpreter.version.minor, 12);
  EXPECT_EQ(m.plan.benchmarks[0].scaling, harness::Scaling::weak);
  EXPECT_FALSE(m.machine.governor.has_value());
  EXPECT_EQ(m.usable_cpus(), 2);
}

TEST(ManifestCodec, APlanThatPointsNowhereIsADamagedManifest) {
  const auto doc = json::parse(R"({"schema": "ftbench-results", "schema_version": 1,
    "plan": [{"sequence": 0, "interpreter": 3, "benchmark": 0}]})");
  Manifest m;
  EXPECT_THROW(from_json(*doc, m), UserError);
  const auto foreign = json::parse(R"({"schema": "something-else"})");
  EXPECT_THROW(from_json(*foreign, m), UserError);
}

TEST(ManifestCodec, ATimeoutNoDeadlineCanHoldIsADamagedManifest) {
  // A manifest is outside input too: 1e300 s once overflowed the deadline arithmetic.
  for (const char* timeout : {"1e300", "-1", "0", "2592001"}) {
    const auto doc = json::parse(std::string(R"({"schema": "ftbench-results", "schema_version": 1,
      "config": {"timeout_s": )") + timeout + "}}");
    ASSERT_TRUE(doc) << timeout;
    Manifest m;
    EXPECT_THROW(from_json(*doc, m), UserError) << timeout;
  }
  const auto fine = json::parse(R"({"schema": "ftbench-results", "schema_version": 1, "config": {"timeout_s": 2592000}})");
  Manifest m;
  EXPECT_NO_THROW(from_json(*fine, m));
}
