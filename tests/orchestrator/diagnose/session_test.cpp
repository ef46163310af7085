// The watch session's state machine against a scripted fake child and a fake armer: the probe,
// the windows it plans, what is armed on which threads, the mid-region rendezvous, and the
// ways it ends (watchpoints refused, a workload error), without processes or a kernel.
#include "diagnose/session.h"

#include <gtest/gtest.h>

#include <deque>

#include "candidates.h"
#include "util/error.h"

namespace ftbench::diagnose {
namespace {

using harness::ChildMessage;
using harness::Command;
using Status = run::Connection::Received::Status;

constexpr int64_t kBuf = 0x7f0000001000;

harness::WatchCandidate slots(int64_t address = kBuf) { return test::named_buffer(address, 64, 8); }

harness::Hello hello() {
  harness::Hello h;
  h.protocol = harness::kProtocolVersion;
  h.pid = 4242;
  h.interpreter.free_threaded_build = true;
  h.interpreter.gil_enabled = false;
  h.workload.ops_per_iteration = 100;
  return h;
}

harness::Done done(int k, std::vector<harness::WrittenWords> written = {}) {
  harness::Done d;
  d.report.index = k;
  d.report.region_ns = 1000;
  d.report.ops = 100;
  d.report.gil_enabled = false;
  d.written = std::move(written);
  return d;
}

// A --diagnose child: ready carries the workers and the candidates; the probe's done says
// slots[0] and slots[1] changed. `script`: candidates arrive mid-region through `watch`.
class Child final : public run::Connection {
 public:
  Child(bool script, bool error_in_window, std::vector<Command>& sent)
      : script_(script), error_in_window_(error_in_window), sent_(sent) {
    queue_.push_back(hello());
  }
  Received receive(std::chrono::steady_clock::time_point) override {
    if (queue_.empty()) return {Status::timeout, std::nullopt, ""};
    auto m = std::move(queue_.front());
    queue_.pop_front();
    return {Status::message, std::move(m), ""};
  }
  bool send(const Command& c) override {
    sent_.push_back(c);
    if (std::holds_alternative<harness::Start>(c)) queue_.push_back(ready(0));
    if (auto* go = std::get_if<harness::Go>(&c)) {
      if (script_) queue_.push_back(harness::Watch{go->iteration, 900 + go->iteration, {slots(kBuf + go->iteration * 0x1000)}, false});
      else on_go(go->iteration);
    }
    if (auto* a = std::get_if<harness::Armed>(&c)) on_go(a->iteration);
    if (auto* ack = std::get_if<harness::Ack>(&c)) queue_.push_back(ready(ack->iteration + 1));
    if (std::holds_alternative<harness::Stop>(c)) queue_.push_back(harness::Bye{false, true});
    return true;
  }
  pid_t pid() const override { return 4242; }
  std::optional<os::ExitStatus> wait_for(std::chrono::milliseconds) override { return os::ExitStatus{false, 0}; }
  os::ExitStatus kill() override { return {true, 9}; }

 private:
  harness::Ready ready(int k) const {
    harness::Ready r{k, {101, 102}, {}, false};
    if (!script_) r.candidates = {slots()};
    return r;
  }
  void on_go(int k) {
    if (k > 0 && error_in_window_) {
      queue_.push_back(harness::Error{harness::Phase::iteration, "boom", ""});
      return;
    }
    auto d = done(k, k == 0 ? std::vector<harness::WrittenWords>{{"slots", {0, 8}, false}} : std::vector<harness::WrittenWords>{});
    if (script_ && k == 0) d.candidates = {slots()};
    queue_.push_back(d);
  }
  bool script_;
  bool error_in_window_;
  std::vector<Command>& sent_;
  std::deque<ChildMessage> queue_;
};

struct Launcher final : run::Launcher {
  bool script = false;
  bool error_in_window = false;
  std::vector<Command> sent;
  run::LaunchRequest request;
  std::unique_ptr<run::Connection> launch(const run::LaunchRequest& r) override {
    request = r;
    return std::make_unique<Child>(script, error_in_window, sent);
  }
};

struct Armed {
  std::vector<int64_t> tids;
  std::vector<uint64_t> addresses;
  uint64_t max_records = 0;
};

struct FakeWords final : ArmedWords {
  std::vector<analysis::WriteEvent> writes;
  void enable() override {}
  Result finish() override { return {writes, 0, false, 0}; }
};

WordArmer fake_armer(std::vector<Armed>& log, bool refuse = false) {
  return [&log, refuse](const std::vector<int64_t>& tids, const std::vector<uint64_t>& addresses,
                        uint64_t max_records) -> std::unique_ptr<ArmedWords> {
    if (refuse) throw std::runtime_error("all 4 debug registers of thread 101 are in use");
    log.push_back({tids, addresses, max_records});
    auto w = std::make_unique<FakeWords>();
    for (int i = 0; i < 10; ++i) {
      w->writes.push_back({tids.front(), static_cast<uint64_t>(2 * i), addresses.front()});
      w->writes.push_back({tids.size() > 1 ? tids[1] : tids.front() + 1, static_cast<uint64_t>(2 * i + 1),
                           addresses.back()});
    }
    return w;
  };
}

ProcessSpec spec() {
  ProcessSpec s;
  s.interpreter.label = "3.13t";
  s.interpreter.interpreter.path = "/opt/python3.13t";
  s.benchmark.id = "tests/adjacent";
  s.threads = 2;
  s.log_dir = "/tmp";
  return s;
}

TEST(WatchSession, ProbesThenWatchesTheChangedWordsOnTheWorkers) {
  Launcher launcher;
  std::vector<Armed> armed;
  WatchSettings settings;
  settings.trap_budget_s = 1;
  const auto out = watch_writes(spec(), settings, launcher, fake_armer(armed));
  ASSERT_EQ(out.status, TierStatus::done) << out.message;
  // --diagnose reaches the harness, before a script's own arguments.
  EXPECT_NE(std::find(launcher.request.argv.begin(), launcher.request.argv.end(), "--diagnose"),
            launcher.request.argv.end());
  ASSERT_EQ(armed.size(), 1u);
  EXPECT_EQ(armed[0].tids, (std::vector<int64_t>{101, 102}));
  EXPECT_EQ(armed[0].addresses, (std::vector<uint64_t>{kBuf, kBuf + 8}));
  EXPECT_EQ(armed[0].max_records, 50000u);  // 1 s of 20 us traps, one window
  ASSERT_EQ(out.iterations.size(), 1u);
  EXPECT_EQ(out.iterations[0].writes.size(), 20u);
  EXPECT_EQ(out.traps, 20u);
  // go 0 (probe), ack, go 1 (the window), stop.
  ASSERT_GE(launcher.sent.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<harness::Stop>(launcher.sent.back()));
  const auto sharing = analysis::analyze_sharing(out.iterations, out.worker_tids, out.gil_enabled);
  ASSERT_EQ(sharing.lines.size(), 1u);
  EXPECT_EQ(sharing.lines[0].verdict, analysis::SharingVerdict::false_sharing);
}

TEST(WatchSession, AScriptsCandidatesAreArmedOnTheCallingThreadAtTheRendezvous) {
  Launcher launcher;
  launcher.script = true;
  std::vector<Armed> armed;
  auto s = spec();
  s.benchmark.kind = harness::Kind::script;  // two runs of the script: each rendezvous gets half the window's budget
  const auto out = watch_writes(s, {}, launcher, fake_armer(armed));
  ASSERT_EQ(out.status, TierStatus::done) << out.message;
  ASSERT_EQ(armed.size(), 1u);
  EXPECT_EQ(armed[0].tids, (std::vector<int64_t>{901}));  // the thread that sent `watch`
  // The script made its buffer again at a new address in iteration 1: the words follow it.
  EXPECT_EQ(armed[0].addresses, (std::vector<uint64_t>{kBuf + 0x1000, kBuf + 0x1000 + 8}));
  EXPECT_EQ(armed[0].max_records, out.max_records_per_window / 2);
  size_t answers = 0;
  for (const auto& c : launcher.sent) answers += std::holds_alternative<harness::Armed>(c);
  EXPECT_EQ(answers, 2u);  // the probe's rendezvous is answered too, with nothing armed
}

TEST(WatchSession, RefusedWatchpointsMakeTheTierUnavailableWithTheReason) {
  Launcher launcher;
  std::vector<Armed> armed;
  const auto out = watch_writes(spec(), {}, launcher, fake_armer(armed, /*refuse=*/true));
  EXPECT_EQ(out.status, TierStatus::unavailable);
  EXPECT_NE(out.message.find("debug registers"), std::string::npos) << out.message;
}

TEST(WatchSession, AWorkloadErrorInAWatchedIterationFailsTheTierAndSaysWhere) {
  Launcher launcher;
  launcher.error_in_window = true;
  std::vector<Armed> armed;
  const auto out = watch_writes(spec(), {}, launcher, fake_armer(armed));
  EXPECT_EQ(out.status, TierStatus::failed);
  EXPECT_NE(out.message.find("error in iteration: boom"), std::string::npos) << out.message;
}

TEST(SampleSession, WithoutAPmuTheTierIsUnavailableAndNothingStarts) {
  Launcher launcher;
  perf::SamplingPlan plan;
  plan.status = perf::Status::not_supported;
  plan.message = "not available: no PMU";
  const auto out = sample_memory(spec(), plan, launcher);
  EXPECT_EQ(out.status, TierStatus::unavailable);
  EXPECT_EQ(out.message, "not available: no PMU");
  EXPECT_TRUE(launcher.sent.empty());
}

}  // namespace
}  // namespace ftbench::diagnose
