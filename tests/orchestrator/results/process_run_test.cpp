#include "results/process_run.h"

#include <gtest/gtest.h>

#include "process_run_sample.h"

using namespace ftbench;
using namespace ftbench::results;

TEST(ProcessRunCodec, RoundTrips) {
  const auto r = ftbench::testing::sample_run(3, "3.13t/gil/contention/t2/p0");
  const auto text = json::to_string(r);
  const auto doc = json::parse(text);
  ASSERT_TRUE(doc);
  ProcessRun back;
  json::read(*doc, back);
  EXPECT_EQ(json::to_string(back), text);
  EXPECT_EQ(back.iterations[0].counters[0].running_fraction, 0.8);
  EXPECT_EQ(back.iterations[0].counters[1].status, perf::Status::not_supported);
  EXPECT_EQ(back.iterations[0].counters[2].parts.size(), 2u);
  EXPECT_EQ(back.iterations[0].threads[1].start_ns, 7);
  EXPECT_FALSE(back.child->gil_enabled);
  EXPECT_EQ(back.workload->benchmark.scaling, harness::Scaling::weak);
  EXPECT_EQ(back.error_phase, harness::Phase::check);
}

// A run file as schema version 1 wrote it before the types were unified reads the same.
TEST(ProcessRunCodec, ReadsTheVersion1Layout) {
  const auto doc = json::parse(R"({
    "item_id": "3.13t/gil/contention/t2/p0", "sequence": 3, "round": 0, "interpreter": "3.13t",
    "benchmark": "gil/contention", "threads": 2, "process_index": 0, "status": "ok", "failure": "",
    "exit": "exit code 0", "cpus": [0, 1], "started_at": "2026-11-28T12:00:00Z", "duration_s": 1.5,
    "child": {"implementation": "cpython", "version": "3.13.5", "executable": "/p/python3.13t",
              "free_threaded_build": true, "gil_enabled": false, "configure_args": "--disable-gil", "compiler": "GCC"},
    "workload": {"id": "gil/contention", "kind": "suite", "scaling": "weak", "op_name": "square", "tags": ["gil"],
                 "size": 1000, "size_preset": "quick", "ops_per_iteration": 2000},
    "gil_enabled_at_exit": false, "checked": true,
    "counter_capabilities": [{"name": "cycles", "status": "not_supported", "message": "no PMU"}],
    "iterations": [{"index": 1, "warmup": false, "region_ns": 123456789, "ops": 2000, "gil_enabled": false,
                    "threads": [{"index": 0, "wall_ns": 100, "cpu_ns": 90}],
                    "counters": [{"name": "context-switches", "status": "counted", "value": 12.5, "raw": 10,
                                  "running_fraction": 0.8, "per_pmu": {"cpu_core": 7.5, "cpu_atom": 5}}]}]})");
  ASSERT_TRUE(doc);
  ProcessRun r;
  json::read(*doc, r);
  EXPECT_EQ(r.status, RunStatus::ok);
  EXPECT_EQ(r.child->version_text, "3.13.5");
  EXPECT_EQ(r.child->version.minor, 13);
  EXPECT_FALSE(r.child->source.has_value());
  EXPECT_EQ(r.workload->ops_per_iteration, 2000);
  EXPECT_EQ(r.capabilities[0].status, perf::Status::not_supported);
  ASSERT_EQ(r.iterations.size(), 1u);
  EXPECT_EQ(r.iterations[0].index, 1);
  EXPECT_EQ(r.iterations[0].region_ns, 123456789);
  EXPECT_FALSE(r.iterations[0].threads[0].start_ns.has_value());
  const auto& c = r.iterations[0].counters[0];
  EXPECT_EQ(c.status, perf::Status::counted);
  ASSERT_EQ(c.parts.size(), 2u);
  EXPECT_EQ(c.parts[0].first, "cpu_core");
  EXPECT_FALSE(r.error_phase.has_value());
  // Written before containment: no resources, leftovers, cut logs or limit.
  EXPECT_FALSE(r.resources.has_value());
  EXPECT_TRUE(r.leftover_processes.empty());
  EXPECT_TRUE(r.logs_cut.empty());
  EXPECT_TRUE(r.limit_hit.empty());
}

TEST(ProcessRunCodec, ContainmentFieldsRoundTrip) {
  auto r = ftbench::testing::sample_run(3, "3.13t/gil/contention/t2/p0");
  r.resources = Resources{os::ContainmentMethod::cgroup_v2, 1.25, 123456789ULL, 4ULL << 30};
  r.leftover_processes = {{4343, "python3"}};
  r.logs_cut = {{"stdout", 300000000, 299000000}};
  r.limit_hit = "memory";
  const auto text = json::to_string(r);
  const auto doc = json::parse(text);
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["leftover_processes"][0]["pid"].GetInt(), 4343);
  EXPECT_STREQ((*doc)["resources"]["containment"].GetString(), "cgroup_v2");
  ProcessRun back;
  json::read(*doc, back);
  EXPECT_EQ(json::to_string(back), text);
  EXPECT_EQ(back.leftover_processes[0].command, "python3");
  EXPECT_EQ(back.resources->memory_limit_bytes, 4ULL << 30);
  EXPECT_EQ(back.logs_cut[0].dropped, 299000000u);
}

TEST(ProcessRunCodec, ToleratesMissingAndMistypedFields) {
  const auto doc = json::parse(R"({"item_id": 7, "status": "exploded", "threads": "two", "iterations": [1, {"index": 2}]})");
  ASSERT_TRUE(doc);
  ProcessRun r;
  json::read(*doc, r);
  EXPECT_EQ(r.item_id, "");
  EXPECT_EQ(r.status, RunStatus::failed);  // an unknown status never reads as ok
  EXPECT_EQ(r.threads, 1);
  ASSERT_EQ(r.iterations.size(), 1u);
  EXPECT_EQ(r.iterations[0].index, 2);
}
