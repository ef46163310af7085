// WriteRecorder against known answers: threads of this process (pid = our pid, tid = theirs) and
// a forked child write watched words an exact number of times. Every trap costs ~20 us in a VM,
// so the counts stay in the thousands.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <map>
#include <string>
#include <vector>
#include <thread>
#include <utility>

#include "perf/sample_session.h"
#include "perf/watchpoint.h"
#include "perf/write_recorder.h"
#include "tests/perf/test_support.h"

namespace ftbench::perf {
namespace {

using test::ChildProcess;
using test::Pipe;

// A thread that reports its tid, waits for go(), runs `body`, and is joined on destruction.
class Worker {
 public:
  explicit Worker(std::function<void()> body) {
    std::promise<pid_t> tid;
    auto tid_future = tid.get_future();
    thread_ = std::thread([this, body = std::move(body), tid = std::move(tid)]() mutable {
      tid.set_value(test::current_tid());
      go_.get_future().wait();
      body();
    });
    tid_ = tid_future.get();
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() {
    if (!started_) go_.set_value();
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] pid_t tid() const { return tid_; }
  void go() {
    started_ = true;
    go_.set_value();
  }
  void join() {
    if (!started_) go();
    thread_.join();
  }

 private:
  std::promise<void> go_;
  bool started_ = false;
  pid_t tid_ = 0;
  std::thread thread_;
};

void write_n(volatile std::uint64_t* target, std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) *target = i;
}

std::uintptr_t address_of(volatile std::uint64_t* target) { return reinterpret_cast<std::uintptr_t>(target); }

// (tid, address) -> records
std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint64_t> tally(const Recording& recording) {
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint64_t> counts;
  for (const auto& record : recording.records) ++counts[{record.tid, record.address}];
  return counts;
}

std::uint32_t u32(pid_t value) { return static_cast<std::uint32_t>(value); }

alignas(64) volatile std::uint64_t g_single = 0;
alignas(64) volatile std::uint64_t g_adjacent[2] = {0, 0};
alignas(64) volatile std::uint64_t g_inherited = 0;
alignas(64) volatile std::uint64_t g_budget = 0;
alignas(64) volatile std::uint64_t g_child = 0;
alignas(64) volatile std::uint64_t g_words[8] = {};

TEST(WriteRecorder, RecordsExactlyKWritesOfOneThread) {
  constexpr std::uint64_t kWrites = 2000;
  Worker writer([] { write_n(&g_single, kWrites); });
  const pid_t tids[] = {writer.tid()};
  const WatchedWord words[] = {{address_of(&g_single), 8}};
  auto recorder = WriteRecorder::arm(tids, words, {}, 100000);
  EXPECT_EQ(recorder.event_count(), online_cpus().size());  // one event per (tid, CPU, word)
  EXPECT_EQ(test::perf_mapping_count(), online_cpus().size());  // one ring buffer per CPU
  recorder.enable();
  writer.join();
  const Recording recording = recorder.finish();
  ASSERT_EQ(recording.records.size(), kWrites);
  EXPECT_EQ(recording.lost, 0u);
  EXPECT_FALSE(recording.budget_reached);
  for (const auto& record : recording.records) {
    EXPECT_EQ(record.tid, u32(writer.tid()));
    EXPECT_EQ(record.pid, u32(::getpid()));
    EXPECT_EQ(record.address, address_of(&g_single));
    EXPECT_NE(record.ip, 0u);
  }
  EXPECT_TRUE(std::is_sorted(recording.records.begin(), recording.records.end(),
                             [](const WriteRecord& a, const WriteRecord& b) { return a.time_ns < b.time_ns; }));
  // CLOCK_MONOTONIC timestamps: not from the future of this clock.
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto now_ns = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(now.tv_nsec);
  EXPECT_LE(recording.records.back().time_ns, now_ns);
  EXPECT_EQ(recorder.event_count(), 0u);  // finish released the debug registers
  EXPECT_TRUE(recorder.finish().records.empty());
}

TEST(WriteRecorder, TwoThreadsOnAdjacentWordsAreToldApart) {
  constexpr std::uint64_t kWrites = 1500;
  Worker first([] { write_n(&g_adjacent[0], kWrites); });
  Worker second([] { write_n(&g_adjacent[1], kWrites); });
  const pid_t tids[] = {first.tid(), second.tid()};
  const WatchedWord words[] = {{address_of(&g_adjacent[0]), 8}, {address_of(&g_adjacent[1]), 8}};
  auto recorder = WriteRecorder::arm(tids, words, {}, 100000);
  EXPECT_EQ(recorder.event_count(), 2 * 2 * online_cpus().size());
  recorder.enable();
  first.go();
  second.go();
  first.join();
  second.join();
  const Recording recording = recorder.finish();
  const auto counts = tally(recording);
  const std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint64_t> expected = {
      {{u32(first.tid()), address_of(&g_adjacent[0])}, kWrites},
      {{u32(second.tid()), address_of(&g_adjacent[1])}, kWrites},
  };
  EXPECT_EQ(counts, expected);
  EXPECT_EQ(recording.lost, 0u);
}

TEST(WriteRecorder, AThreadCreatedAfterArmingIsRecordedThroughInherit) {
  constexpr std::uint64_t kWrites = 1000;
  std::promise<pid_t> grandchild_tid;
  auto grandchild_future = grandchild_tid.get_future();
  Worker parent([&] {
    std::thread late([&] {
      grandchild_tid.set_value(test::current_tid());
      write_n(&g_inherited, kWrites);
    });
    late.join();
  });
  const pid_t tids[] = {parent.tid()};
  const WatchedWord words[] = {{address_of(&g_inherited), 8}};
  auto recorder = WriteRecorder::arm(tids, words, {}, 100000);
  recorder.enable();
  parent.join();  // creates the thread only now, after arm and enable
  const Recording recording = recorder.finish();
  const pid_t late_tid = grandchild_future.get();
  ASSERT_NE(late_tid, parent.tid());
  ASSERT_EQ(recording.records.size(), kWrites);
  for (const auto& record : recording.records) {
    EXPECT_EQ(record.tid, u32(late_tid));
    EXPECT_EQ(record.pid, u32(::getpid()));
  }
}

TEST(WriteRecorder, RecordsAForkedChildProcess) {
  constexpr std::uint64_t kWrites = 1000;
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    write_n(&g_child, kWrites);  // same address in the child: fork copies the address space
    return 0;
  });
  const pid_t tids[] = {child.pid()};
  const WatchedWord words[] = {{address_of(&g_child), 8}};
  const std::vector<int> cpus = online_cpus();  // explicit, as the orchestrator passes them
  auto recorder = WriteRecorder::arm(tids, words, cpus, 100000);
  recorder.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  const Recording recording = recorder.finish();
  ASSERT_EQ(recording.records.size(), kWrites);
  for (const auto& record : recording.records) {
    EXPECT_EQ(record.pid, u32(child.pid()));
    EXPECT_EQ(record.tid, u32(child.pid()));
    EXPECT_EQ(record.address, address_of(&g_child));
  }
}

TEST(WriteRecorder, AddThreadsWatchesMoreThreadsWhileEnabled) {
  constexpr std::uint64_t kWrites = 800;
  Worker armed([] { write_n(&g_words[0], kWrites); });
  Worker added([] { write_n(&g_words[0], kWrites); });
  const pid_t first[] = {armed.tid()};
  const WatchedWord words[] = {{address_of(&g_words[0]), 8}};
  auto recorder = WriteRecorder::arm(first, words, {}, 100000);
  recorder.enable();
  const std::size_t events = recorder.event_count();
  const pid_t more[] = {added.tid()};
  recorder.add_threads(more);
  EXPECT_EQ(recorder.event_count(), 2 * events);
  armed.go();
  added.go();
  armed.join();
  added.join();
  const auto counts = tally(recorder.finish());
  EXPECT_EQ(counts.at({u32(armed.tid()), address_of(&g_words[0])}), kWrites);
  EXPECT_EQ(counts.at({u32(added.tid()), address_of(&g_words[0])}), kWrites);
}

TEST(WriteRecorder, BudgetDisablesTheEventsAndTheWriterStillFinishes) {
  // Far more writes than the budget (~2 s of traps unbudgeted), so the guard's 2 ms poll is
  // scheduled long before the writer could finish even on a loaded machine.
  constexpr std::uint64_t kWrites = 100000;
  constexpr std::uint64_t kBudget = 500;
  Worker writer([] { write_n(&g_budget, kWrites); });
  const pid_t tids[] = {writer.tid()};
  const WatchedWord words[] = {{address_of(&g_budget), 8}};
  auto recorder = WriteRecorder::arm(tids, words, {}, kBudget);
  const std::size_t capacity = recorder.buffer_bytes_per_cpu() / kWriteSampleBytes;
  ASSERT_GE(capacity, kBudget);
  recorder.enable();
  writer.join();  // returns either way
  const Recording recording = recorder.finish();
  EXPECT_TRUE(recording.budget_reached);
  EXPECT_GE(recording.records.size() + recording.lost, kBudget);
  EXPECT_LE(recording.records.size(), kBudget + capacity);
  EXPECT_LT(recording.records.size(), kWrites);
  EXPECT_EQ(g_budget, kWrites - 1);  // every write happened, only the trapping stopped
}

TEST(WriteRecorder, FiveWordsOnOneThreadIsNoSlots) {
  Worker idle([] {});
  const pid_t tids[] = {idle.tid()};
  std::vector<WatchedWord> words;
  for (int i = 0; i < 5; ++i) words.push_back({address_of(&g_words[i]), 8});
  ASSERT_EQ(debug_registers(), 4);
  try {
    (void)WriteRecorder::arm(tids, words, {}, 100);
    FAIL() << "armed 5 words";
  } catch (const RecorderError& e) {
    EXPECT_EQ(e.kind(), RecorderFailure::no_slots);
    EXPECT_NE(std::string(e.what()).find("4 debug registers"), std::string::npos) << e.what();
  }
}

TEST(WriteRecorder, ARegisterHeldByAnotherWatcherGivesNoSlotsFromTheKernel) {
  Worker idle([] {});
  // One debug register taken by someone else (here: a counting watchpoint on the same thread).
  auto other = Watchpoint::attach(idle.tid(), {address_of(&g_words[7]), 8, WatchAccess::write});
  const pid_t tids[] = {idle.tid()};
  std::vector<WatchedWord> words;
  for (int i = 0; i < 4; ++i) words.push_back({address_of(&g_words[i]), 8});
  const auto fds_before = test::open_fd_count();
  try {
    (void)WriteRecorder::arm(tids, words, {}, 100);
    FAIL() << "armed 4 words next to a foreign watchpoint";
  } catch (const RecorderError& e) {
    EXPECT_EQ(e.kind(), RecorderFailure::no_slots);
    EXPECT_EQ(e.tid(), idle.tid());
    const std::string expected = "all 4 debug registers of thread " + std::to_string(idle.tid()) +
                                 " are in use (a debugger or another watcher holds some)";
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::open_fd_count(), fds_before);  // the partial arm was closed
}

TEST(WriteRecorder, ADeadThreadIsNoSuchThread) {
  pid_t dead = 0;
  {
    ChildProcess child([] { return 0; });
    dead = child.pid();
    ASSERT_EQ(child.wait(), 0);  // reaped: the id names nothing now
  }
  const pid_t tids[] = {dead};
  const WatchedWord words[] = {{address_of(&g_words[0]), 8}};
  try {
    (void)WriteRecorder::arm(tids, words, {}, 100);
    FAIL() << "armed a dead thread";
  } catch (const RecorderError& e) {
    EXPECT_EQ(e.kind(), RecorderFailure::no_such_thread);
    EXPECT_EQ(e.tid(), dead);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST(WriteRecorder, AThreadWeMayNotTraceIsNotPermitted) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop to another user";
  // As nobody, watching init (pid 1) fails the kernel's ptrace-access check: EACCES.
  ChildProcess child([] {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 3;
    const pid_t tids[] = {1};
    const WatchedWord words[] = {{address_of(&g_words[0]), 8}};
    try {
      (void)WriteRecorder::arm(tids, words, {}, 100);
      return 4;
    } catch (const RecorderError& e) {
      const std::string what = e.what();
      if (e.kind() != RecorderFailure::not_permitted) return 5;
      return what.find("perf_event_paranoid") != std::string::npos && what.find("CAP_PERFMON") != std::string::npos ? 0 : 6;
    }
  });
  EXPECT_EQ(child.wait(), 0);
}

TEST(WriteRecorder, AnOfflineCpuIsReported) {
  Worker idle([] {});
  const pid_t tids[] = {idle.tid()};
  const WatchedWord words[] = {{address_of(&g_words[0]), 8}};
  const int cpus[] = {4096};
  try {
    (void)WriteRecorder::arm(tids, words, cpus, 100);
    FAIL() << "armed on CPU 4096";
  } catch (const RecorderError& e) {
    EXPECT_NE(std::string(e.what()).find("CPU 4096"), std::string::npos) << e.what();
  }
}

TEST(WriteRecorder, AddThreadsIsAllOrNothing) {
  Worker idle([] {});
  const pid_t tids[] = {idle.tid()};
  const WatchedWord words[] = {{address_of(&g_words[0]), 8}};
  auto recorder = WriteRecorder::arm(tids, words, {}, 100);
  const std::size_t events = recorder.event_count();
  pid_t dead = 0;
  {
    ChildProcess child([] { return 0; });
    dead = child.pid();
    ASSERT_EQ(child.wait(), 0);
  }
  Worker alive([] {});
  const pid_t more[] = {alive.tid(), dead};
  EXPECT_THROW(recorder.add_threads(more), RecorderError);
  EXPECT_EQ(recorder.event_count(), events);
}

TEST(WriteRecorder, ValidatesWordsAndArguments) {
  Worker idle([] {});
  const pid_t tids[] = {idle.tid()};
  const auto base = address_of(&g_words[0]);
  const WatchedWord bad_length[] = {{base, 3}};
  const WatchedWord misaligned[] = {{base + 4, 8}};
  const WatchedWord misaligned_half[] = {{base + 1, 2}};
  const WatchedWord null_word[] = {{0, 8}};
  const WatchedWord good[] = {{base + 4, 4}};
  EXPECT_THROW((void)WriteRecorder::arm(tids, bad_length, {}, 100), std::invalid_argument);
  EXPECT_THROW((void)WriteRecorder::arm(tids, misaligned, {}, 100), std::invalid_argument);
  EXPECT_THROW((void)WriteRecorder::arm(tids, misaligned_half, {}, 100), std::invalid_argument);
  EXPECT_THROW((void)WriteRecorder::arm(tids, null_word, {}, 100), std::invalid_argument);
  EXPECT_THROW((void)WriteRecorder::arm({}, good, {}, 100), std::invalid_argument);
  EXPECT_THROW((void)WriteRecorder::arm(tids, std::span<const WatchedWord>{}, {}, 100), std::invalid_argument);
  EXPECT_THROW((void)WriteRecorder::arm(tids, good, {}, 0), std::invalid_argument);
  EXPECT_NO_THROW((void)WriteRecorder::arm(tids, good, {}, 100));
}

TEST(WriteRecorder, TwoHundredArmFinishCyclesLeakNoDescriptorsOrMappings) {
  Worker idle([] {});
  const pid_t tids[] = {idle.tid()};
  const WatchedWord words[] = {{address_of(&g_words[0]), 8}, {address_of(&g_words[1]), 8}};
  const auto fds_before = test::open_fd_count();
  const auto maps_before = test::perf_mapping_count();
  for (int i = 0; i < 200; ++i) {
    auto recorder = WriteRecorder::arm(tids, words, {}, 64);
    recorder.enable();
    (void)recorder.finish();
  }
  for (int i = 0; i < 20; ++i) {
    auto recorder = WriteRecorder::arm(tids, words, {}, 64);  // destroyed unfinished, even enabled
    if (i % 2 == 0) recorder.enable();
  }
  EXPECT_EQ(test::open_fd_count(), fds_before);
  EXPECT_EQ(test::perf_mapping_count(), maps_before);
}

TEST(WriteRecorder, FailureKindsHaveStableNames) {
  EXPECT_EQ(util::name(RecorderFailure::no_slots), "no_slots");
  EXPECT_EQ(util::name(RecorderFailure::no_such_thread), "no_such_thread");
  EXPECT_EQ(util::parse<RecorderFailure>("not_permitted"), RecorderFailure::not_permitted);
}

}  // namespace
}  // namespace ftbench::perf
