// HarnessExecutor's state machine against a scripted fake child: every message order, timeout,
// garbage and exit case, without a process (run/connection.h is the seam).
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <functional>

#include "run/executor.h"
#include "util/error.h"

namespace ftbench::run {
namespace {

using harness::ChildMessage;
using harness::Command;
using Status = Connection::Received::Status;

// What the fake child does next: a message, or a transport event (timeout, closed, garbage).
struct Event {
  Status status = Status::message;
  std::optional<ChildMessage> message;
  std::string problem;
};
Event msg(ChildMessage m) { return {Status::message, std::move(m), ""}; }
Event event(Status s, std::string problem = "") { return {s, std::nullopt, std::move(problem)}; }

harness::Hello hello(int ops = 100, int protocol = harness::kProtocolVersion) {
  harness::Hello h;
  h.protocol = protocol;
  h.pid = 4242;
  h.os_threads = 1;
  h.interpreter.implementation = "cpython";
  h.interpreter.version_text = "3.13.5";
  h.interpreter.free_threaded_build = true;
  h.interpreter.gil_enabled = false;
  h.workload.benchmark.id = "x/y";
  if (ops > 0) h.workload.ops_per_iteration = ops;
  return h;
}

harness::Done done(int index, bool warmup, int64_t region_ns = 1000) {
  harness::Done d;
  d.report.index = index;
  d.report.warmup = warmup;
  d.report.region_ns = region_ns;
  d.report.ops = 100;
  d.report.gil_enabled = false;
  d.report.threads = {{0, region_ns, region_ns - 10, 5, 777}};
  return d;
}

// A child that follows the protocol unless `react` says otherwise: it answers start with
// ready 0, go k with done k, ack k with ready k+1, stop with bye, then exits 0.
class FakeChild final : public Connection {
 public:
  using React = std::function<std::optional<std::vector<Event>>(const Command&)>;  // nullopt: default answer

  FakeChild(std::vector<Event> first, React react, std::vector<Command>& sent, bool& killed)
      : queue_(first.begin(), first.end()), react_(std::move(react)), sent_(sent), killed_(killed) {}

  Received receive(std::chrono::steady_clock::time_point) override {
    if (queue_.empty()) return {Status::timeout, std::nullopt, ""};
    auto e = std::move(queue_.front());
    queue_.pop_front();
    return {e.status, std::move(e.message), std::move(e.problem)};
  }
  bool send(const Command& command) override {
    sent_.push_back(command);
    if (refuse_after_ && sent_.size() > *refuse_after_) return false;
    auto events = react_ ? react_(command) : std::nullopt;
    if (!events) events = default_answer(command);
    for (auto& e : *events) queue_.push_back(std::move(e));
    return true;
  }
  pid_t pid() const override { return 4242; }
  std::optional<os::ExitStatus> wait_for(std::chrono::milliseconds) override {
    if (hangs_at_exit) return std::nullopt;
    return exit_status;
  }
  os::ExitStatus kill() override {
    killed_ = true;
    return {true, 9};
  }

  std::optional<ProcessEnd> finish() override { return end; }

  os::ExitStatus exit_status{false, 0};
  std::optional<ProcessEnd> end;  // what containment reports once it has ended
  bool hangs_at_exit = false;
  std::optional<size_t> refuse_after_;  // sends beyond this many fail (EPIPE)

 private:
  static std::vector<Event> default_answer(const Command& c) {
    if (std::holds_alternative<harness::Start>(c)) return {msg(harness::Ready{0, {}, {}, false})};
    if (auto* go = std::get_if<harness::Go>(&c)) return {msg(done(go->iteration, go->warmup))};
    if (auto* ack = std::get_if<harness::Ack>(&c)) return {msg(harness::Ready{ack->iteration + 1, {}, {}, false})};
    return {msg(harness::Bye{false, true})};
  }
  std::deque<Event> queue_;
  React react_;
  std::vector<Command>& sent_;
  bool& killed_;
};

class FakeLauncher final : public Launcher {
 public:
  std::function<void(FakeChild&)> configure;
  std::vector<Event> first{msg(hello())};
  FakeChild::React react;
  std::vector<Command> sent;
  bool killed = false;
  LaunchRequest request;
  bool fail_to_start = false;

  std::unique_ptr<Connection> launch(const LaunchRequest& r) override {
    request = r;
    if (fail_to_start) throw UserError("cannot start /nope/python3: No such file or directory");
    auto child = std::make_unique<FakeChild>(first, react, sent, killed);
    if (configure) configure(*child);
    return child;
  }
};

// Records how counters were driven: "start", "stop", "values" in order.
class FakeCounters final : public IterationCounters {
 public:
  explicit FakeCounters(std::vector<std::string>& log) : log_(log) {
    caps_ = {{"task-clock", perf::Status::counted, "", "perf::TASK-CLOCK", false, ""}};
  }
  const std::vector<perf::EventCapability>& capabilities() const override { return caps_; }
  void start() override { log_.push_back("start"); }
  void stop() override { log_.push_back("stop"); }
  std::vector<perf::CounterValue> values() override {
    log_.push_back("values");
    perf::CounterValue v;
    v.name = "task-clock";
    v.status = perf::Status::counted;
    v.value = 990;
    return {v};
  }

 private:
  std::vector<std::string>& log_;
  std::vector<perf::EventCapability> caps_;
};

class HarnessExecutorTest : public ::testing::Test {
 protected:
  HarnessExecutorTest() {
    plan_.interpreters.push_back({"3.13t", hello().interpreter, {{"PYTHON_GIL", "0"}}, true, std::nullopt});
    plan_.interpreters[0].interpreter.path = "/opt/python3.13t";
    harness::Benchmark b;
    b.id = "x/y";
    plan_.benchmarks = {b};
    plan_.threads = {2};
    plan_.repetitions.warmups = 1;
    plan_.repetitions.iterations = 2;
    plan_.items = plan::interleave(1, 1, plan_.threads, 1, 1);
    ctx_.plan = &plan_;
    ctx_.workloads_dir = "/w";
    ctx_.stop_signal = &stop_;
  }

  results::ProcessRun run(bool* interrupted = nullptr) {
    HarnessExecutor executor(launcher_, [this](pid_t pid, const std::vector<perf::EventRequest>& events) {
      attached_pid_ = pid;
      attached_events_ = events.size();
      if (attach_throws_required) throw perf::RequiredEventError({{"hitm", perf::Status::not_supported, "no PMU", "", false, ""}});
      if (attach_throws) throw std::runtime_error("perf_event_open: ESRCH");
      return std::make_unique<FakeCounters>(counter_log_);
    });
    bool was_interrupted = false;
    auto r = executor.execute(plan_.items.front(), ctx_, was_interrupted);
    if (interrupted) *interrupted = was_interrupted;
    return r;
  }

  std::vector<std::string> sent_types() const {
    std::vector<std::string> out;
    for (const auto& c : launcher_.sent) out.emplace_back(harness::type_name(c));
    return out;
  }

  plan::Plan plan_;
  ItemContext ctx_;
  std::atomic<int> stop_{0};
  FakeLauncher launcher_;
  std::vector<std::string> counter_log_;
  pid_t attached_pid_ = 0;
  size_t attached_events_ = 0;
  bool attach_throws = false;
  bool attach_throws_required = false;
};

TEST_F(HarnessExecutorTest, HappyPathBracketsEveryIterationAndEndsWithStop) {
  plan_.events = {{"task-clock", false}};
  const auto r = run();
  EXPECT_EQ(r.status, results::RunStatus::ok) << r.failure;
  EXPECT_EQ(sent_types(), (std::vector<std::string>{"start", "go", "ack", "go", "ack", "go", "stop"}));
  ASSERT_EQ(r.iterations.size(), 3u);
  EXPECT_TRUE(r.iterations[0].warmup);
  EXPECT_FALSE(r.iterations[1].warmup);
  EXPECT_EQ(r.iterations[2].index, 2);
  EXPECT_EQ(r.iterations[1].threads[0].start_ns, 5);  // the release skew is kept
  ASSERT_EQ(r.iterations[1].counters.size(), 1u);
  EXPECT_EQ(r.iterations[1].counters[0].value, 990);
  // Counters start before every go and stop right after every done.
  const std::vector<std::string> bracket{"start", "stop", "values"};
  std::vector<std::string> expected;
  for (int i = 0; i < 3; ++i) expected.insert(expected.end(), bracket.begin(), bracket.end());
  EXPECT_EQ(counter_log_, expected);
  EXPECT_EQ(attached_pid_, 4242);
  EXPECT_EQ(attached_events_, 1u);
  EXPECT_EQ(r.capabilities.size(), 1u);
  EXPECT_TRUE(r.checked);
  EXPECT_EQ(r.child->version_text, "3.13.5");
  EXPECT_EQ(r.item_id, "3.13t/x/y/t2/p0");
  EXPECT_EQ(r.exit, "exit code 0");
  // The launch: the harness command, the interpreter's environment, never a shell.
  EXPECT_EQ(launcher_.request.argv.front(), "/opt/python3.13t");
  EXPECT_EQ(launcher_.request.env.at("PYTHON_GIL"), "0");
  EXPECT_EQ(launcher_.request.env.at("PYTHONPATH"), "/w");
}

TEST_F(HarnessExecutorTest, NoEventsNoCounters) {
  const auto r = run();
  EXPECT_EQ(r.status, results::RunStatus::ok) << r.failure;
  EXPECT_TRUE(counter_log_.empty());
  EXPECT_TRUE(r.iterations[0].counters.empty());
}

TEST_F(HarnessExecutorTest, ReadyForTheWrongIterationIsAProtocolViolation) {
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (auto* ack = std::get_if<harness::Ack>(&c)) return std::vector{msg(harness::Ready{ack->iteration + 2, {}, {}, false})};
    return std::nullopt;
  };
  const auto r = run();
  EXPECT_EQ(r.status, results::RunStatus::failed);
  EXPECT_EQ(r.failure, "protocol violation: 'ready' for iteration 2, expected 1");
  EXPECT_EQ(r.iterations.size(), 1u);  // what finished before stays recorded
}

TEST_F(HarnessExecutorTest, DoneForTheWrongIterationOrWarmupFlagIsAProtocolViolation) {
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (auto* go = std::get_if<harness::Go>(&c)) return std::vector{msg(done(go->iteration, !go->warmup))};
    return std::nullopt;
  };
  EXPECT_EQ(run().failure, "protocol violation: 'done' for iteration 0, expected 0");
}

TEST_F(HarnessExecutorTest, AMessageOutOfOrderIsNamed) {
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (std::holds_alternative<harness::Start>(c)) return std::vector{msg(harness::Bye{})};
    return std::nullopt;
  };
  const auto r = run();
  EXPECT_EQ(r.failure, "protocol violation: expected 'ready', got 'bye'");
  EXPECT_TRUE(r.iterations.empty());
}

TEST_F(HarnessExecutorTest, TimeoutKillsTheChildAndSaysWhatItWaitedFor) {
  plan_.timeout_seconds = 7;
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (std::holds_alternative<harness::Go>(c)) return std::vector<Event>{};  // a hang inside the region
    return std::nullopt;
  };
  launcher_.configure = [](FakeChild& child) { child.hangs_at_exit = true; };
  const auto r = run();
  EXPECT_EQ(r.failure.rfind("timed out after 7 s waiting for 'done'", 0), 0u) << r.failure;
  EXPECT_TRUE(launcher_.killed);
  EXPECT_EQ(r.exit, "killed by signal 9 (SIGKILL)");
}

TEST_F(HarnessExecutorTest, GarbageOnTheChannelFailsTheRun) {
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (std::holds_alternative<harness::Start>(c)) return std::vector{event(Status::garbage, "not a protocol message: 'oops'")};
    return std::nullopt;
  };
  EXPECT_EQ(run().failure, "garbage on the harness channel: not a protocol message: 'oops'");
}

TEST_F(HarnessExecutorTest, EarlyExitIsReportedWithTheExitStatus) {
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (std::holds_alternative<harness::Go>(c)) return std::vector{event(Status::closed)};
    return std::nullopt;
  };
  launcher_.configure = [](FakeChild& child) { child.exit_status = {true, 11}; };
  const auto r = run();
  EXPECT_EQ(r.failure, "the child exited early (killed by signal 11 (SIGSEGV)) while the orchestrator waited for 'done'");
  EXPECT_EQ(r.status, results::RunStatus::failed);
}

TEST_F(HarnessExecutorTest, AnErrorMessageKeepsPhaseAndTraceback) {
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (std::holds_alternative<harness::Start>(c))
      return std::vector{msg(harness::Error{harness::Phase::setup, "ValueError: bad size", "Traceback ...\nValueError"})};
    return std::nullopt;
  };
  const auto r = run();
  EXPECT_EQ(r.failure, "the workload reported an error in setup: ValueError: bad size");
  EXPECT_EQ(r.error_phase, harness::Phase::setup);
  EXPECT_EQ(r.error_traceback, "Traceback ...\nValueError");
}

TEST_F(HarnessExecutorTest, AWorkloadThatCannotLoadIsNotStarted) {
  launcher_.first = {msg(hello(/*ops=*/0)),
                     msg(harness::Error{harness::Phase::import_module, "ModuleNotFoundError: numpy", "..."})};
  plan_.events = {{"task-clock", false}};
  const auto r = run();
  EXPECT_EQ(r.failure, "the workload reported an error in import: ModuleNotFoundError: numpy");
  EXPECT_TRUE(launcher_.sent.empty());  // no start, no counters
  EXPECT_EQ(attached_pid_, 0);
}

TEST_F(HarnessExecutorTest, AnotherProtocolVersionStopsTheWholeRun) {
  launcher_.first = {msg(hello(100, 2))};
  EXPECT_THROW(run(), UserError);
}

TEST_F(HarnessExecutorTest, ASendToAGoneChildFails) {
  launcher_.configure = [](FakeChild& child) { child.refuse_after_ = 2; };
  const auto r = run();
  EXPECT_EQ(r.failure.rfind("the child closed its channel (it exited or crashed) before receiving {\"type\":\"ack\"", 0), 0u)
      << r.failure;
}

TEST_F(HarnessExecutorTest, ByeThenAFailingExitIsAFailure) {
  launcher_.configure = [](FakeChild& child) { child.exit_status = {false, 3}; };
  EXPECT_EQ(run().failure, "the child said bye but ended with exit code 3");
}

TEST_F(HarnessExecutorTest, ByeThenNoExitIsAFailure) {
  launcher_.configure = [](FakeChild& child) { child.hangs_at_exit = true; };
  const auto r = run();
  EXPECT_EQ(r.failure, "the child said bye but did not exit within 10 s");
  EXPECT_EQ(r.iterations.size(), 3u);
}

TEST_F(HarnessExecutorTest, AStopSignalInterruptsAndIsNotAFailureOfTheWorkload) {
  launcher_.react = [this](const Command& c) -> std::optional<std::vector<Event>> {
    if (std::holds_alternative<harness::Go>(c)) {
      stop_ = 2;
      return std::vector{event(Status::interrupted)};
    }
    return std::nullopt;
  };
  bool interrupted = false;
  const auto r = run(&interrupted);
  EXPECT_TRUE(interrupted);
  EXPECT_EQ(r.failure, "interrupted by signal");
}

TEST_F(HarnessExecutorTest, ARequiredCounterThatIsMissingStopsTheRun) {
  plan_.events = {{"hitm", true}};
  attach_throws_required = true;
  EXPECT_THROW(run(), UserError);
}

TEST_F(HarnessExecutorTest, CountersThatCannotAttachFailOnlyThisProcess) {
  plan_.events = {{"task-clock", false}};
  attach_throws = true;
  const auto r = run();
  EXPECT_EQ(r.failure, "cannot attach counters: perf_event_open: ESRCH");
}

TEST_F(HarnessExecutorTest, AChildThatCannotStartIsAFailedRun) {
  launcher_.fail_to_start = true;
  const auto r = run();
  EXPECT_EQ(r.failure, "cannot start /nope/python3: No such file or directory");
}

// ---- containment and limits (os/containment.h): what finish() reports goes into the record ----

TEST_F(HarnessExecutorTest, LimitsFromThePlanReachTheLaunch) {
  plan_.limits = {64ULL << 20, 1ULL << 20, 256};
  run();
  EXPECT_EQ(launcher_.request.limits.memory_bytes, 64ULL << 20);
  EXPECT_EQ(launcher_.request.limits.open_files, 256u);
  EXPECT_EQ(launcher_.request.log_limit_bytes, 1ULL << 20);
}

TEST_F(HarnessExecutorTest, LeftoverProcessesAreRecordedButDoNotFailTheRun) {
  launcher_.configure = [](FakeChild& c) {
    ProcessEnd end;
    end.containment.method = os::ContainmentMethod::cgroup_v2;
    end.containment.cpu_seconds = 1.5;
    end.containment.leftovers = {{4343, "python3"}};
    c.end = end;
  };
  const auto r = run();
  EXPECT_EQ(r.status, results::RunStatus::ok) << r.failure;
  ASSERT_EQ(r.leftover_processes.size(), 1u);
  EXPECT_EQ(r.leftover_processes[0].pid, 4343);
  ASSERT_TRUE(r.resources.has_value());
  EXPECT_EQ(r.resources->containment, os::ContainmentMethod::cgroup_v2);
  EXPECT_EQ(r.resources->cpu_s, 1.5);
}

TEST_F(HarnessExecutorTest, ACutLogIsRecordedButIsNotAFailure) {
  launcher_.configure = [](FakeChild& c) {
    ProcessEnd end;
    end.logs = {{"stdout", 300000000, 299000000}, {"stderr", 10, 0}};
    c.end = end;
  };
  const auto r = run();
  EXPECT_EQ(r.status, results::RunStatus::ok) << r.failure;
  ASSERT_EQ(r.logs_cut.size(), 1u);
  EXPECT_EQ(r.logs_cut[0].stream, "stdout");
  EXPECT_EQ(r.logs_cut[0].dropped, 299000000u);
}

TEST_F(HarnessExecutorTest, TheMemoryLimitLeadsTheFailureReason) {
  launcher_.first = {msg(hello()), event(Status::closed)};
  launcher_.configure = [](FakeChild& c) {
    c.exit_status = {true, 9};
    ProcessEnd end;
    end.containment.memory_limit_hit = true;
    end.containment.memory_limit_bytes = 64ULL << 20;
    c.end = end;
  };
  const auto r = run();
  EXPECT_EQ(r.status, results::RunStatus::failed);
  EXPECT_EQ(r.failure.rfind("memory limit 64M reached (limits.memory): the child exited early (killed by signal 9", 0), 0u)
      << r.failure;
  EXPECT_EQ(r.limit_hit, "memory");
}

TEST_F(HarnessExecutorTest, TooManyOpenFilesNamesTheLimit) {
  plan_.limits.open_files = 256;
  launcher_.react = [](const Command& c) -> std::optional<std::vector<Event>> {
    if (std::holds_alternative<harness::Go>(c))
      return std::vector{msg(harness::Error{harness::Phase::iteration, "OSError: [Errno 24] Too many open files: '/tmp/x'",
                                            "Traceback ...\nOSError: [Errno 24] Too many open files"})};
    return std::nullopt;
  };
  const auto r = run();
  EXPECT_EQ(r.status, results::RunStatus::failed);
  EXPECT_NE(r.failure.find("Too many open files"), std::string::npos) << r.failure;
  const std::string named = " (limits.open_files = 256)";
  ASSERT_GE(r.failure.size(), named.size());
  EXPECT_EQ(r.failure.substr(r.failure.size() - named.size()), named) << r.failure;
  EXPECT_EQ(r.limit_hit, "open_files");
}

}  // namespace
}  // namespace ftbench::run
