// history/push.cpp against a real server: idempotent, resumable, safe with many pushers at
// once, state changes carried, identical boxes told apart.
#include "history/push.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "../../test_support.h"
#include "fleet_boxes.h"
#include "history/store.h"
#include "test_server.h"

using namespace ftbench;
using namespace ftbench::history;
using ftbench::testing::BoxSpec;
using ftbench::testing::fresh_database;
using ftbench::testing::TempDir;
using ftbench::testing::write_box;

namespace {

struct Counts {
  size_t machines = 0, nights = 0, series = 0, points = 0, regressions = 0, change_points = 0, annotations = 0;
  std::map<std::string, std::string> states;  // series name @ detected run -> state
  bool operator==(const Counts&) const = default;
};

Counts counts(HistoryStore& s) {
  Counts c;
  c.machines = s.machines().size();
  c.nights = s.nights().size();
  const auto all = s.series();
  c.series = all.size();
  for (const auto& x : all) c.points += s.points(x.id, false).size();
  std::map<int64_t, std::string> name_of, run_of;
  for (const auto& x : all) name_of[x.id] = x.identity.name() + "|" + x.identity.machine;
  for (const auto& n : s.nights()) run_of[n.id] = n.run_id;
  for (const auto& r : s.regressions()) c.states[name_of[r.series_id] + "@" + run_of[r.detected_night_id]] = util::name(r.state);
  c.regressions = c.states.size();
  c.change_points = s.change_points().size();
  c.annotations = s.annotations().size();
  return c;
}

std::ostream& operator<<(std::ostream& o, const Counts& c) {
  return o << c.machines << " machines, " << c.nights << " nights, " << c.series << " series, " << c.points
           << " points, " << c.regressions << " regressions, " << c.change_points << " change points, "
           << c.annotations << " annotations";
}

TEST(HistoryPush, CopiesEverythingOnceAndASecondPushChangesNothing) {
  FTBENCH_REQUIRE_POSTGRES(server);
  TempDir dir;
  const auto box = write_box(dir / "a", {"bench-a", "AMD EPYC 9654", 96});
  auto local = HistoryStore::open(box.database);
  // A change point of the box's own (the synthetic year finds its own only over more nights).
  const auto nights = local.nights();
  local.replace_change_points(local.series().front().id, {{0, nights.at(20).id, 1.08, 1e-4}});
  auto shared = HistoryStore::open_url(fresh_database(server, "push_once"));
  std::vector<std::string> lines;
  const auto first = push_history(local, shared, [&](const std::string& l) { lines.push_back(l); });
  const auto here = counts(local);
  EXPECT_EQ(first.nights_pushed, here.nights);
  EXPECT_EQ(lines.size(), here.nights);
  EXPECT_EQ(first.points, here.points);
  EXPECT_GT(here.regressions, 0u);
  EXPECT_GT(here.change_points, 0u);
  EXPECT_GT(here.annotations, 0u);
  EXPECT_EQ(counts(shared), here) << counts(shared) << " vs " << here;

  // Raw values arrive bit for bit.
  const auto a = local.series().front();
  std::optional<SeriesRecord> b;
  for (const auto& s : shared.series())
    if (s.identity.key() == a.identity.key()) b = s;
  ASSERT_TRUE(b);
  const auto pa = local.points(a.id), pb = shared.points(b->id);
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].raw, pb[i].raw);
    EXPECT_EQ(pa[i].units, pb[i].units);
    EXPECT_EQ(pa[i].value, pb[i].value);
  }

  const auto again = push_history(local, shared);
  EXPECT_EQ(again.nights_pushed, 0u);
  EXPECT_EQ(again.nights_present, here.nights);
  EXPECT_EQ(again.nights_updated, 0u);
  EXPECT_EQ(counts(shared), here);
}

TEST(HistoryPush, StateChangedOnTheBoxReachesTheFleetOnTheNextPush) {
  FTBENCH_REQUIRE_POSTGRES(server);
  TempDir dir;
  const auto box = write_box(dir / "a", {"bench-a", "Intel Xeon Gold 6430", 32});
  auto local = HistoryStore::open(box.database);
  auto shared = HistoryStore::open_url(fresh_database(server, "push_states"));
  push_history(local, shared);

  auto open = local.regressions(RegressionState::confirmed);
  ASSERT_FALSE(open.empty());
  open.front().state = RegressionState::acknowledged;
  open.front().note = "known: a deliberate trade-off";
  local.update_regression(open.front());
  const auto night = local.nights().back();
  local.set_excluded(night.id, true, "preflight: load 3.0 per CPU");
  local.set_pruned(local.nights().front().id);

  const auto outcome = push_history(local, shared);
  EXPECT_EQ(outcome.nights_pushed, 0u);
  EXPECT_EQ(outcome.nights_updated, 2u);
  EXPECT_EQ(counts(shared), counts(local));
  const auto there = shared.night_by_run(night.run_id);
  ASSERT_TRUE(there);
  EXPECT_TRUE(there->excluded);
  EXPECT_EQ(there->exclusion_reason, "preflight: load 3.0 per CPU");
  bool found = false;
  for (const auto& r : shared.regressions(RegressionState::acknowledged))
    found = found || r.note == "known: a deliberate trade-off";
  EXPECT_TRUE(found);
}

TEST(HistoryPush, APushCutOffHalfWayIsCompletedByTheNext) {
  FTBENCH_REQUIRE_POSTGRES(server);
  TempDir dir;
  const auto box = write_box(dir / "a", {"bench-a", "Ampere Altra Q80-30", 80, false});
  auto local = HistoryStore::open(box.database);
  auto shared = HistoryStore::open_url(fresh_database(server, "push_cut"));
  size_t seen = 0;
  struct Cut {};
  EXPECT_THROW(push_history(local, shared,
                            [&](const std::string&) {
                              if (++seen == 7) throw Cut{};  // the connection dies after the 7th night
                            }),
               Cut);
  EXPECT_EQ(shared.nights().size(), 7u);
  const auto rest = push_history(local, shared);
  EXPECT_EQ(rest.nights_present, 7u);
  EXPECT_EQ(rest.nights_pushed, local.nights().size() - 7);
  EXPECT_EQ(counts(shared), counts(local));
}

// Several boxes push at once into a server none of them has seen (so they also race to create
// the schema); one box even pushes twice at the same time (cron and a person).
TEST(HistoryPush, ManyBoxesPushingAtOnceLoseAndDuplicateNothing) {
  FTBENCH_REQUIRE_POSTGRES(server);
  TempDir dir;
  const std::vector<BoxSpec> specs{{"bench-a", "AMD EPYC 9654", 96, true, true, 1.0, 40, true},
                                   {"bench-b", "Intel Xeon Gold 6430", 32, true, true, 0.9, 25, false},
                                   {"bench-c", "Ampere Altra Q80-30", 80, false, false, 0.7, 25, false},
                                   {"bench-d", "Intel Core i9-13900K", 24, true, true, 1.3, 25, false}};
  std::vector<std::filesystem::path> files;
  for (const auto& b : specs) files.push_back(write_box(dir / b.host, b).database);
  {  // change points on the box pushed twice at once: both pushes replace them
    auto a = HistoryStore::open(files.front());
    const auto nights = a.nights();
    const auto all = a.series();
    for (size_t i = 0; i < 5; ++i) a.replace_change_points(all.at(i).id, {{0, nights.at(20).id, 1.08, 1e-4}});
  }
  const auto url = fresh_database(server, "push_concurrent");
  std::vector<std::string> errors(files.size() + 1);
  std::vector<std::thread> pushers;
  for (size_t i = 0; i <= files.size(); ++i)
    pushers.emplace_back([&, i] {
      try {
        auto local = HistoryStore::open(files[i % files.size()]);  // the last one pushes box a again
        auto shared = HistoryStore::open_url(url);
        push_history(local, shared);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : pushers) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  auto shared = HistoryStore::open_url(url);
  Counts expected;
  for (const auto& f : files) {
    auto local = HistoryStore::open(f);
    const auto c = counts(local);
    expected.machines += c.machines;
    expected.nights += c.nights;
    expected.series += c.series;
    expected.points += c.points;
    expected.regressions += c.regressions;
    expected.change_points += c.change_points;
    expected.annotations += c.annotations;
  }
  const auto got = counts(shared);
  EXPECT_EQ(got.machines, expected.machines);
  EXPECT_EQ(got.nights, expected.nights);
  EXPECT_EQ(got.series, expected.series);
  EXPECT_EQ(got.points, expected.points);
  EXPECT_EQ(got.regressions, expected.regressions);
  EXPECT_EQ(got.change_points, expected.change_points);
  EXPECT_EQ(got.annotations, expected.annotations);
  EXPECT_GT(expected.regressions, 0u);
  EXPECT_GT(expected.annotations, 0u);
}

// Two identical boxes (same CPU, cores, kernel: one fingerprint) running the same config at
// the same second produce the same run id: the second is named, never merged or duplicated.
TEST(HistoryPush, TheSameNightFromAnotherHostIsReportedNotMerged) {
  FTBENCH_REQUIRE_POSTGRES(server);
  TempDir dir;
  const auto a = write_box(dir / "a", {"bench-a", "AMD EPYC 9654", 96, true, true, 1.0, 10, false});
  const auto b = write_box(dir / "b", {"bench-b", "AMD EPYC 9654", 96, true, true, 1.0, 10, false});
  auto shared = HistoryStore::open_url(fresh_database(server, "push_collision"));
  auto la = HistoryStore::open(a.database);
  auto lb = HistoryStore::open(b.database);
  EXPECT_TRUE(push_history(la, shared).collisions.empty());
  const auto second = push_history(lb, shared);
  EXPECT_EQ(second.collisions.size(), 10u);
  EXPECT_EQ(second.nights_pushed, 0u);
  EXPECT_EQ(shared.nights().size(), 10u);
}

}  // namespace
