// Known answers of the sharing analysis on constructed candidates and write records: what the
// watchpoint tier records for the test workloads, without a kernel.
#include "analysis/sharing.h"

#include <gtest/gtest.h>

#include "report/presenter.h"

namespace ftbench::analysis {
namespace {

using harness::CandidateKind;
using harness::CandidateOrigin;
using harness::WatchCandidate;

constexpr int64_t kBuf = 0x7f0000001000;  // line-aligned
constexpr int64_t kObj = 0x7f0000002000;

WatchCandidate buffer(std::string key, int64_t address, int64_t size, int64_t itemsize = 1,
                      CandidateOrigin origin = CandidateOrigin::named) {
  WatchCandidate c;
  c.key = std::move(key);
  c.origin = origin;
  c.kind = CandidateKind::buffer;
  c.type = "bytearray";
  c.address = address;
  c.size = size;
  c.itemsize = itemsize;
  return c;
}

WatchCandidate ft_object(std::string key, int64_t address, bool immortal = false,
                         CandidateOrigin origin = CandidateOrigin::named) {
  WatchCandidate c;
  c.key = std::move(key);
  c.origin = origin;
  c.kind = CandidateKind::object;
  c.type = "list";
  c.address = address;
  c.size = 40;
  c.immortal = immortal;
  c.fields = {{"ob_tid", 0, 8},       {"ob_flags", 8, 2},      {"ob_mutex", 10, 1}, {"ob_gc_bits", 11, 1},
              {"ob_ref_local", 12, 4}, {"ob_ref_shared", 16, 8}, {"ob_type", 24, 8}};
  return c;
}

WatchCandidate gil_object(std::string key, int64_t address) {
  WatchCandidate c = ft_object(std::move(key), address);
  c.fields = {{"ob_refcnt", 0, 8}, {"ob_type", 8, 8}};
  return c;
}

// Alternating writes: worker a writes `wa`, worker b writes `wb`, n times each, interleaved.
std::vector<WriteEvent> alternate(int64_t ta, uint64_t wa, int64_t tb, uint64_t wb, int n) {
  std::vector<WriteEvent> out;
  uint64_t t = 1000;
  for (int i = 0; i < n; ++i) {
    out.push_back({ta, t++, wa});
    out.push_back({tb, t++, wb});
  }
  return out;
}

// Writes in runs of `run` per thread: what a GIL's switch interval produces.
std::vector<WriteEvent> in_runs(int64_t ta, uint64_t wa, int64_t tb, uint64_t wb, int n, int run) {
  std::vector<WriteEvent> out;
  uint64_t t = 1000;
  for (int i = 0; i < n; i += run) {
    for (int k = 0; k < run; ++k) out.push_back({ta, t++, wa});
    for (int k = 0; k < run; ++k) out.push_back({tb, t++, wb});
  }
  return out;
}

WatchedIteration watched(const std::vector<WatchCandidate>& candidates, const WatchWindow& window,
                         std::vector<WriteEvent> writes, int64_t ops) {
  WatchedIteration it;
  it.candidates = candidates;
  for (const auto& w : window.words) {
    it.words.push_back(w);
    it.addresses.push_back(*resolve_word(w, candidates));
  }
  it.writes = std::move(writes);
  it.ops = ops;
  return it;
}

const std::vector<int64_t> kWorkers = {101, 102};

TEST(WatchPlan, BufferWordsTheProbeSawChangeShareOneWindowPerLine) {
  const std::vector<WatchCandidate> c = {buffer("slots", kBuf, 256, 8)};
  const auto plan = plan_watch(c, {{"slots", {0, 8}, false}});
  ASSERT_EQ(plan.windows.size(), 1u);
  ASSERT_EQ(plan.windows[0].words.size(), 2u);
  EXPECT_EQ(*resolve_word(plan.windows[0].words[0], c), static_cast<uint64_t>(kBuf));
  EXPECT_EQ(*resolve_word(plan.windows[0].words[1], c), static_cast<uint64_t>(kBuf + 8));
}

TEST(WatchPlan, ObjectsContributeTheirReferenceCountWordsAndImmortalAutoOnesNothing) {
  const std::vector<WatchCandidate> c = {ft_object("shared", kObj),
                                         ft_object("none", kObj + 0x100, true, CandidateOrigin::automatic),
                                         gil_object("old", kObj + 0x200)};
  const auto plan = plan_watch(c, {});
  std::vector<uint64_t> armed;
  for (const auto& w : plan.windows)
    for (const auto& word : w.words) armed.push_back(*resolve_word(word, c));
  // ob_ref_shared (+16) and the word of ob_mutex/ob_ref_local (+8); ob_refcnt (+0) on a GIL build.
  EXPECT_EQ(armed.size(), 3u);
  EXPECT_NE(std::find(armed.begin(), armed.end(), kObj + 16), armed.end());
  EXPECT_NE(std::find(armed.begin(), armed.end(), kObj + 8), armed.end());
  EXPECT_NE(std::find(armed.begin(), armed.end(), kObj + 0x200), armed.end());
}

TEST(WatchPlan, AViewOfTheSameBytesIsWatchedOnceAndTheCapIsReported) {
  std::vector<WatchCandidate> c = {buffer("buf", kBuf, 1024, 1, CandidateOrigin::automatic),
                                   buffer("view", kBuf, 8, 8)};
  std::vector<int64_t> many;
  for (int64_t o = 0; o < 1024; o += 8) many.push_back(o);
  WatchPlanSettings settings;
  settings.max_windows = 3;
  const auto plan = plan_watch(c, {{"view", {0}, false}, {"buf", many, false}}, settings);
  EXPECT_EQ(plan.words_found, 128u);  // the view's word is the buffer's first: counted once
  EXPECT_EQ(plan.windows.size(), 3u);
  EXPECT_EQ(plan.words_dropped, 128u - 12u);
  EXPECT_EQ(plan.windows[0].words[0].key, "view");  // named first
  ASSERT_FALSE(plan.notes.empty());
}

TEST(WatchPlan, AWordSeenThroughSeveralViewsIsReferredToByTheSmallest) {
  // A script aligns its slots inside a new buffer every run: only the slot's own view finds
  // the slot again.
  const std::vector<WatchCandidate> c = {buffer("buf", kBuf, 192, 1, CandidateOrigin::automatic),
                                         buffer("views[1]", kBuf + 8, 8, 8, CandidateOrigin::automatic)};
  const auto plan = plan_watch(c, {{"buf", {8}, false}, {"views[1]", {0}, false}});
  ASSERT_EQ(plan.windows.size(), 1u);
  ASSERT_EQ(plan.windows[0].words.size(), 1u);
  EXPECT_EQ(plan.windows[0].words[0].key, "views[1]");
  EXPECT_EQ(plan.windows[0].words[0].offset, 0);
}

TEST(Sharing, AdjacentSlotsOfTwoWorkersAreFalseSharingNamedByElement) {
  const std::vector<WatchCandidate> c = {buffer("slots", kBuf, 256, 8)};
  const auto plan = plan_watch(c, {{"slots", {0, 8}, false}});
  const auto result = analyze_sharing(
      {watched(c, plan.windows[0], alternate(101, kBuf, 102, kBuf + 8, 1000), 2000)}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 1u);
  const auto& line = result.lines[0];
  EXPECT_EQ(line.verdict, SharingVerdict::false_sharing);
  EXPECT_TRUE(line.contended);
  EXPECT_EQ(line.writes, 2000u);
  EXPECT_EQ(line.successions, 1999u);
  ASSERT_TRUE(line.successions_per_op);
  EXPECT_NEAR(*line.successions_per_op, 1999.0 / 2000.0, 1e-9);
  ASSERT_EQ(line.words.size(), 2u);
  EXPECT_EQ(line.words[0].name, "slots[0]");
  EXPECT_EQ(line.words[1].name, "slots[1]");
  EXPECT_EQ(line.words[0].by_thread.at("worker 0"), 1000u);
  EXPECT_EQ(line.words[1].by_thread.at("worker 1"), 1000u);
  EXPECT_NE(report::describe_line(line).find("false sharing between slots[0] (worker 0) and slots[1] (worker 1)"), std::string::npos)
      << report::describe_line(line);
  EXPECT_NE(report::describe_line_fix(line).find("8 bytes apart"), std::string::npos) << report::describe_line_fix(line);
}

TEST(Sharing, PaddedSlotsAreTwoLinesWithOneWriterEach) {
  const std::vector<WatchCandidate> c = {buffer("slots", kBuf, 256, 8)};
  const auto plan = plan_watch(c, {{"slots", {0, 128}, false}});
  ASSERT_EQ(plan.windows.size(), 1u);
  const auto result = analyze_sharing(
      {watched(c, plan.windows[0], alternate(101, kBuf, 102, kBuf + 128, 1000), 2000)}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 2u);
  for (const auto& line : result.lines) {
    EXPECT_EQ(line.verdict, SharingVerdict::not_shared) << report::describe_line(line);
    EXPECT_EQ(line.successions, 0u);
    EXPECT_FALSE(suspicious(line));
  }
}

TEST(Sharing, OneSlotWrittenByEveryThreadIsTrueSharing) {
  const std::vector<WatchCandidate> c = {buffer("total", kBuf, 8, 8)};
  const auto plan = plan_watch(c, {{"total", {0}, false}});
  const auto result =
      analyze_sharing({watched(c, plan.windows[0], alternate(101, kBuf, 102, kBuf, 500), 1000)}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0].verdict, SharingVerdict::true_sharing);
  EXPECT_NE(report::describe_line(result.lines[0]).find("2 threads write total"), std::string::npos) << report::describe_line(result.lines[0]);
}

TEST(Sharing, EveryThreadWritingOneObjectsSharedCountIsReferenceCountContention) {
  const std::vector<WatchCandidate> c = {ft_object("shared", kObj)};
  const auto plan = plan_watch(c, {});
  const auto result = analyze_sharing(
      {watched(c, plan.windows[0], alternate(101, kObj + 16, 102, kObj + 16, 500), 1000)}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 1u);
  const auto& line = result.lines[0];
  EXPECT_EQ(line.verdict, SharingVerdict::refcount_contention);
  EXPECT_NE(report::describe_line(line).find("reference-count contention on shared"), std::string::npos) << report::describe_line(line);
  EXPECT_NE(report::describe_line(line).find("shared.ob_ref_shared"), std::string::npos) << report::describe_line(line);
}

TEST(Sharing, SeveralWritersOfTheWordBesideOwnersCountIsLockTrafficNotReferenceCounting) {
  // +8 holds ob_mutex, ob_gc_bits and the owner's ob_ref_local: only the lock is written by others.
  const std::vector<WatchCandidate> c = {ft_object("queue", kObj)};
  const auto plan = plan_watch(c, {});
  const auto result = analyze_sharing(
      {watched(c, plan.windows[0], alternate(101, kObj + 8, 102, kObj + 8, 500), 1000)}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0].verdict, SharingVerdict::true_sharing);
  EXPECT_NE(report::describe_line(result.lines[0]).find("per-object lock contention on queue"), std::string::npos)
      << report::describe_line(result.lines[0]);
}

TEST(Sharing, ANamedImmortalObjectIsReportedWithNoWrites) {
  const std::vector<WatchCandidate> c = {ft_object("shared", kObj, /*immortal=*/true)};
  const auto plan = plan_watch(c, {});
  ASSERT_FALSE(plan.windows.empty());
  const auto result = analyze_sharing({watched(c, plan.windows[0], {}, 1000)}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0].verdict, SharingVerdict::no_writes);
  EXPECT_NE(report::describe_line(result.lines[0]).find("immortal"), std::string::npos) << report::describe_line(result.lines[0]);
  EXPECT_FALSE(suspicious(result.lines[0]));
}

TEST(Sharing, UnderTheGilTheSameLayoutIsSharedButBarelyContended) {
  const std::vector<WatchCandidate> c = {buffer("slots", kBuf, 256, 8)};
  const auto plan = plan_watch(c, {{"slots", {0, 8}, false}});
  // 250 writes per GIL hand-off: 1 succession per 250 writes.
  const auto result = analyze_sharing(
      {watched(c, plan.windows[0], in_runs(101, kBuf, 102, kBuf + 8, 5000, 250), 10000)}, kWorkers, true);
  ASSERT_EQ(result.lines.size(), 1u);
  const auto& line = result.lines[0];
  EXPECT_EQ(line.verdict, SharingVerdict::false_sharing);
  EXPECT_FALSE(line.contended);
  EXPECT_NE(report::describe_line(line).find("shared but barely contended"), std::string::npos) << report::describe_line(line);
  EXPECT_NE(report::describe_line(line).find("the GIL"), std::string::npos) << report::describe_line(line);
}

TEST(Sharing, ThreadsTheHarnessDidNotStartAreNamedByTid) {
  const std::vector<WatchCandidate> c = {buffer("slots", kBuf, 64, 8)};
  const auto plan = plan_watch(c, {{"slots", {0, 8}, false}});
  const auto result =
      analyze_sharing({watched(c, plan.windows[0], alternate(555, kBuf, 556, kBuf + 8, 10), 20)}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0].writers, (std::vector<std::string>{"thread 555", "thread 556"}));
}

TEST(Sharing, ACutWindowExtrapolatesPerOpAndSaysSo) {
  const std::vector<WatchCandidate> c = {buffer("slots", kBuf, 64, 8)};
  const auto plan = plan_watch(c, {{"slots", {0, 8}, false}});
  auto it = watched(c, plan.windows[0], alternate(101, kBuf, 102, kBuf + 8, 100), 2000);
  it.budget_reached = true;
  it.coverage = 0.1;
  const auto result = analyze_sharing({it}, kWorkers, false);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_TRUE(result.lines[0].estimated);
  EXPECT_NEAR(*result.lines[0].successions_per_op, 199.0 / 200.0, 1e-9);
  EXPECT_EQ(result.windows_cut, 1u);
  ASSERT_FALSE(result.notes.empty());
}

TEST(Sharing, ScriptCandidatesMoveBetweenRunsAndWordsFollowThem) {
  const auto first = buffer("counts", kBuf, 64, 8);
  auto later = first;
  later.address = kBuf + 0x10000;
  const auto plan = plan_watch({first}, {{"counts", {8}, false}});
  EXPECT_EQ(*resolve_word(plan.windows[0].words[0], {later}), static_cast<uint64_t>(kBuf + 0x10000 + 8));
  EXPECT_FALSE(resolve_word(plan.windows[0].words[0], {}));
}

}  // namespace
}  // namespace ftbench::analysis
