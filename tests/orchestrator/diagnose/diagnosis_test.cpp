// The diagnosis as a whole: tier 2's lines found again in tier 3's process, the overall
// verdict, and the JSON the dashboard reads.
#include "diagnose/diagnosis.h"

#include <gtest/gtest.h>

#include "candidates.h"

namespace ftbench::diagnose {
namespace {

harness::WatchCandidate slots(int64_t address) { return test::named_buffer(address, 256, 1); }

TEST(Diagnosis, ASampledLineIsFoundInTheWatchedProcessThroughItsCandidate) {
  // The same buffer sits elsewhere in each process (ASLR, allocation order).
  const std::vector<harness::WatchCandidate> sampled = {slots(0x7f0000001000)};
  const std::vector<harness::WatchCandidate> watched = {slots(0x7f5500002000)};
  EXPECT_EQ(analysis::translate_line(0x7f0000001040, sampled, watched), std::optional<uint64_t>(0x7f5500002040));
  EXPECT_FALSE(analysis::translate_line(0x7f0000009000, sampled, watched));  // on no candidate
  EXPECT_FALSE(analysis::translate_line(0x7f0000001040, sampled, {}));        // not in the other process
}

Diagnosis watched_nothing_shared() {
  Diagnosis d;
  d.target = "memory/ordering/false_sharing_padded";
  d.watched_threads = 2;
  InterpreterDiagnosis i;
  i.label = "3.13t";
  i.watch.status = TierStatus::done;
  i.watch.plan.words_found = 18;
  i.watch.iterations.resize(5);
  analysis::LineFinding line;
  line.line_address = 0x7f5500002000;
  line.verdict = analysis::SharingVerdict::not_shared;
  line.writes = 40000;
  line.writers = {"worker 0"};
  line.words = {{0, "self.views[0]", {{"worker 0", 40000}}, false, false, ""}};
  i.sharing.lines = {line};
  i.sharing.windows = 5;
  i.scaling = analysis::ScalingEvidence{};
  i.scaling->cause = analysis::ScalingCause::not_enough_data;
  d.interpreters = {i};
  return d;
}

TEST(Diagnosis, WhenTheWatchpointsFindNothingSharedTheVerdictSaysSoFirst) {
  const auto verdict = overall_verdict(watched_nothing_shared());
  EXPECT_EQ(verdict.rfind("3.13t: no cache line written by two threads among the 18 watched words", 0), 0u) << verdict;
}

TEST(Diagnosis, TheJsonCarriesWhatTheDashboardDraws) {
  auto d = watched_nothing_shared();
  d.verdict = overall_verdict(d);
  const auto doc = json::parse(diagnosis_json(d));
  ASSERT_TRUE(doc);
  const auto& v = *doc;
  EXPECT_STREQ(v["schema"].GetString(), kDiagnosisSchema);
  ASSERT_EQ(v["tiers"].Size(), 0u);  // no tier ran in this constructed diagnosis
  const auto& watch = v["interpreters"][0]["watch"];
  EXPECT_EQ(watch["threads"].GetInt(), 2);
  EXPECT_STREQ(watch["status"].GetString(), "done");
  const auto& line = watch["lines"][0];
  EXPECT_STREQ(line["address"].GetString(), "0x7f5500002000");
  EXPECT_STREQ(line["verdict"].GetString(), "not_shared");
  EXPECT_FALSE(line["suspicious"].GetBool());
  EXPECT_EQ(line["words"][0]["by_thread"]["worker 0"].GetInt(), 40000);
  EXPECT_TRUE(line["samples"].IsNull());
  EXPECT_STREQ(v["interpreters"][0]["scaling"]["cause"].GetString(), "not_enough_data");
}

TEST(Diagnosis, TheTextReportNamesTheTiersAndTheLines) {
  auto d = watched_nothing_shared();
  d.verdict = overall_verdict(d);
  const auto text = render_text(d);
  EXPECT_NE(text.find("Verdict: 3.13t: no cache line written by two threads"), std::string::npos) << text;
  EXPECT_NE(text.find("no line that two threads write more than negligibly"), std::string::npos) << text;
  EXPECT_NE(text.find("1 more line with one writer"), std::string::npos) << text;
}

}  // namespace
}  // namespace ftbench::diagnose
