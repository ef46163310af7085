// history/fleet.cpp and the fleet view in history.html's data, from a shared store that three
// boxes pushed to; FleetFixture writes the fleet the browser test draws.
#include "history/fleet.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../../test_support.h"
#include "fleet_boxes.h"
#include "history/history_page.h"
#include "history/push.h"
#include "test_server.h"

using namespace ftbench;
using namespace ftbench::history;
using ftbench::testing::BoxSpec;
using ftbench::testing::fresh_database;
using ftbench::testing::TempDir;
using ftbench::testing::write_box;

namespace {

const std::vector<BoxSpec> kFleet{
    {"bench-epyc", "AMD EPYC 9654 96-Core Processor", 96, true, true, 1.0, 40, true},
    {"bench-xeon", "Intel(R) Xeon(R) Gold 6430", 32, true, true, 0.85, 40, false},
    {"bench-vm", "Intel(R) Xeon(R) Processor (KVM)", 2, false, false, 0.6, 30, false, {1, 2}},
};

std::string fleet(const ftbench::testing::TestServer& server, const std::string& name, const std::filesystem::path& dir) {
  const auto url = fresh_database(server, name);
  auto shared = HistoryStore::open_url(url);
  for (const auto& b : kFleet) {
    const auto box = write_box(dir / b.host, b);
    auto local = HistoryStore::open(box.database);
    push_history(local, shared);
  }
  return url;
}

TEST(FleetView, ComparesMachinesSideBySideAndSaysWhoCountedWhat) {
  FTBENCH_REQUIRE_POSTGRES(server);
  TempDir dir;
  auto store = HistoryStore::open_url(fleet(server, "fleet_view", dir.path()));
  const auto v = fleet_view(store);
  ASSERT_EQ(v.machines.size(), 3u);
  std::map<std::string, const FleetMachine*> by_host;
  for (const auto& m : v.machines) {
    ASSERT_EQ(m.hosts.size(), 1u);
    by_host[m.hosts.front()] = &m;
  }
  const auto& epyc = *by_host.at("bench-epyc");
  const auto& vm = *by_host.at("bench-vm");
  EXPECT_EQ(epyc.nights, 40u);
  EXPECT_EQ(vm.nights, 30u);
  EXPECT_EQ(epyc.logical_cpus, 192);
  EXPECT_EQ(epyc.smt, std::optional(true));
  EXPECT_EQ(vm.smt, std::optional(false));
  EXPECT_GT(epyc.excluded, 0u);  // the box with events has unfit nights
  EXPECT_GT(epyc.open_regressions, 0u);
  EXPECT_EQ(vm.open_regressions, 0u);
  // HITM needs a PMU: the VM never counted it; context switches count everywhere.
  EXPECT_NE(std::find(epyc.counters.begin(), epyc.counters.end(), "hitm"), epyc.counters.end());
  EXPECT_EQ(std::find(vm.counters.begin(), vm.counters.end(), "hitm"), vm.counters.end());
  EXPECT_NE(std::find(vm.counters.begin(), vm.counters.end(), "context-switches"), vm.counters.end());
  EXPECT_EQ(vm.last_night.substr(0, 10), "2025-12-30");

  // threads [1, 2, 4] on the big boxes, [1, 2] on the VM: the scaling end lines up in the row of
  // each machine's most threads (0), each value with its own count.
  bool ratio = false, efficiency = false;
  for (const auto& r : v.rows) {
    if (r.benchmark != "scaling/parallel_compute" || r.threads != 0) continue;
    ASSERT_EQ(r.values.size(), 3u) << r.interpreter;
    std::vector<int> counts;
    for (const auto& x : r.values) counts.push_back(x.threads);
    std::sort(counts.begin(), counts.end());
    EXPECT_EQ(counts, (std::vector<int>{2, 4, 4}));
    if (r.kind == SeriesKind::free_threading) ratio = true;
    if (r.kind == SeriesKind::scaling) efficiency = true;
    for (const auto& x : r.values) EXPECT_LE(x.low, x.high);
  }
  EXPECT_TRUE(ratio);
  EXPECT_TRUE(efficiency);

  const auto data = history_page_data(store, dir.path());
  EXPECT_NE(data.find("\"fleet\":{\"label\":\"across machines"), std::string::npos);
}

// The ctest fixture `fleet_fixture`: with FTBENCH_FLEET_DIR set it pushes the fleet into the
// fixture server's database `fleet_page` and writes its URL to FTBENCH_FLEET_DIR/url (the
// browser test reads the password from the server's server.json, as PGPASSWORD).
TEST(FleetFixture, PushesThreeBoxes) {
  const char* target = std::getenv("FTBENCH_FLEET_DIR");
  if (!(target && *target)) GTEST_SKIP() << "FTBENCH_FLEET_DIR not set (the fleet_fixture ctest sets it)";
  FTBENCH_REQUIRE_POSTGRES(server);
  const std::filesystem::path dir(target);
  std::filesystem::create_directories(dir);
  const auto url = fleet(server, "fleet_page", dir / "boxes");
  std::ofstream(dir / "url") << url << "\n";
}

}  // namespace
