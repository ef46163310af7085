#include "results/codec.h"

#include <gtest/gtest.h>

#include "../test_support.h"
#include "results/run_store.h"
#include "util/error.h"

using namespace ftbench;
using namespace ftbench::results;

namespace {

ProcessRun sample_run(size_t seq, const std::string& id) {
  ProcessRun r;
  r.item_id = id;
  r.sequence = seq;
  r.interpreter = "3.13t";
  r.benchmark = "gil/contention";
  r.threads = 2;
  r.status = RunStatus::ok;
  r.exit = "exit code 0";
  r.cpus = {0, 1};
  r.child = ChildInterpreter{"cpython", "3.13.5", "/p/python3.13t", true, false, "--disable-gil", "GCC"};
  r.workload = WorkloadInfo{"gil/contention", "suite", "weak", "square", {"gil"}, 1000, "quick", 2000};
  r.capabilities = {{"cycles", "not_supported", "no PMU", "perf::CYCLES", false, ""}};
  Iteration it;
  it.index = 1;
  it.region_ns = 123456789;
  it.ops = 2000;
  it.gil_enabled = false;
  it.threads = {{0, 100, 90}, {1, 110, 95}};
  it.counters = {{"context-switches", "counted", "", 12.5, 10, 0.8, {}},
                 {"cycles", "not_supported", "no PMU", 0, 0, 0, {}},
                 {"instructions", "counted", "", 5, 5, 1.0, {{"cpu_core", 3}, {"cpu_atom", 2}}}};
  r.iterations = {it};
  return r;
}

}  // namespace

TEST(Codec, ProcessRunRoundTrips) {
  auto r = sample_run(3, "3.13t/gil/contention/t2/p0");
  rapidjson::Document doc;
  doc.Parse(to_json(r).c_str());
  ASSERT_FALSE(doc.HasParseError());
  auto back = read_process_run(doc);
  EXPECT_EQ(to_json(back), to_json(r));
  EXPECT_EQ(back.iterations[0].counters[0].running_fraction, 0.8);
  EXPECT_EQ(back.iterations[0].counters[1].status, "not_supported");
  EXPECT_EQ(back.iterations[0].counters[2].per_pmu.size(), 2u);
  EXPECT_FALSE(back.child->gil_enabled);
}

TEST(Codec, ManifestRoundTripsAndRejectsNewerSchema) {
  Manifest m;
  m.schema_version = kSchemaVersion;
  m.run_id = "r1";
  m.config_text = "interpreters: [3.13t]\n";
  m.affinity = {config::Affinity::Mode::list, {0}};
  plan::ResolvedInterpreter i;
  i.label = "3.13t+GIL";
  i.env = {{"PYTHON_GIL", "1"}};
  i.facts.version_text = "3.13.5";
  i.facts.free_threaded_build = true;
  i.facts.source = discovery::Source::provisioned;
  m.plan.interpreters = {i};
  plan::Benchmark b;
  b.id = "script:x.py";
  b.kind = "script";
  b.script_path = "/x.py";
  b.script_args = {"--n", "3"};
  m.plan.benchmarks = {b};
  m.plan.threads = {1, 2};
  m.plan.seed = 99;
  m.plan.events = {{"hitm", true}};
  m.plan.items = plan::interleave(1, 1, {1, 2}, 2, 99);
  m.machine.perf_event_paranoid = 2;
  rapidjson::Document doc;
  doc.Parse(to_json(m).c_str());
  auto back = read_manifest_value(doc);
  EXPECT_EQ(to_json(back), to_json(m));
  EXPECT_EQ(back.plan.item_id(back.plan.items[3]), m.plan.item_id(m.plan.items[3]));

  doc["schema_version"].SetInt(kSchemaVersion + 1);
  EXPECT_THROW(read_manifest_value(doc), UserError);
}

TEST(RunStore, SavesAtomicallyAndListsFinishedItems) {
  ftbench::testing::TempDir t;
  auto store = RunStore::create(t.path(), "run");
  auto second = RunStore::create(t.path(), "run");  // same id in the same second: no clash
  EXPECT_NE(store.dir(), second.dir());
  store.save_run(sample_run(0, "a/b/t1/p0"));
  store.save_run(sample_run(1, "a/b/t2/p0"));
  ftbench::testing::write_text(store.dir() / "runs" / "000002-broken.json", "{ not json");
  std::vector<std::string> problems;
  auto runs = store.load_runs(&problems);
  EXPECT_EQ(runs.size(), 2u);
  EXPECT_EQ(problems.size(), 1u);
  EXPECT_EQ(runs[0].item_id, "a/b/t1/p0");
  EXPECT_EQ(runs[1].item_id, "a/b/t2/p0");
  // No temporary files are left behind.
  for (const auto& e : std::filesystem::directory_iterator(store.dir() / "runs"))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos);
  EXPECT_THROW(RunStore::open(t / "nothing"), UserError);
}
