// Known-answer tests of ChildCounters on real child processes.
#include <gtest/gtest.h>
#include <linux/futex.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "perf/counters.h"
#include "perf/system.h"
#include "tests/perf/test_support.h"

namespace ftbench::perf {
namespace {

using test::ChildProcess;
using test::Pipe;

const CounterValue& find_value(const std::vector<CounterValue>& values, std::string_view name) {
  const auto it = std::find_if(values.begin(), values.end(),
                               [&](const CounterValue& v) { return v.name == name; });
  if (it == values.end()) throw std::runtime_error("no value for " + std::string(name));
  return *it;
}

std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// Touches `pages` fresh anonymous pages: one minor fault each (THP off for the range).
void touch_fresh_pages(std::size_t pages) {
  const std::size_t bytes = pages * page_size();
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) ::_exit(20);
  ::madvise(memory, bytes, MADV_NOHUGEPAGE);
  auto* p = static_cast<volatile unsigned char*>(memory);
  for (std::size_t i = 0; i < pages; ++i) p[i * page_size()] = 1;
  ::munmap(memory, bytes);
}

std::vector<EventRequest> requests(std::initializer_list<const char*> names) {
  std::vector<EventRequest> out;
  for (const char* name : names) out.push_back(EventRequest{name, false});
  return out;
}

TEST(ChildCounters, CountsVoluntaryContextSwitchesOfBlockingReads) {
  constexpr int kSwitches = 200;
  Pipe go = Pipe::create();
  Pipe feed = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    for (int i = 0; i < kSwitches; ++i) {
      if (!test::read_byte(feed.read_end)) return 3;
    }
    return 0;
  });
  auto counters = ChildCounters::attach(child.pid(), requests({"context-switches", "task-clock"}));
  ASSERT_EQ(counters.capabilities()[0].status, Status::counted) << counters.capabilities()[0].message;
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);
  for (int i = 0; i < kSwitches; ++i) test::feed_blocked_reader(child.pid(), child.pid(), feed);
  ASSERT_EQ(child.wait(), 0);
  counters.disable();
  const auto values = difference(before, counters.read());
  const auto& switches = find_value(values, "context-switches");
  ASSERT_EQ(switches.status, Status::counted) << switches.message;
  EXPECT_GE(switches.value, kSwitches);
  EXPECT_EQ(switches.raw, static_cast<std::uint64_t>(switches.value));
  EXPECT_DOUBLE_EQ(switches.running_fraction, 1.0);
  const auto& clock = find_value(values, "task-clock");
  ASSERT_EQ(clock.status, Status::counted) << clock.message;
  EXPECT_GT(clock.value, 0.0);
  EXPECT_DOUBLE_EQ(clock.running_fraction, 1.0);
}

TEST(ChildCounters, CountsPageFaultsOfFreshPages) {
  constexpr std::size_t kPages = 512;
  constexpr double kSlack = 256;  // libc, stack growth, exit path
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    touch_fresh_pages(kPages);
    return 0;
  });
  auto counters =
      ChildCounters::attach(child.pid(), requests({"page-faults", "minor-faults", "major-faults"}));
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  counters.disable();
  const auto values = difference(before, counters.read());
  for (const char* name : {"page-faults", "minor-faults"}) {
    const auto& faults = find_value(values, name);
    ASSERT_EQ(faults.status, Status::counted) << name << ": " << faults.message;
    EXPECT_GE(faults.value, kPages) << name;
    EXPECT_LE(faults.value, kPages + kSlack) << name;
    EXPECT_DOUBLE_EQ(faults.running_fraction, 1.0) << name;
  }
  EXPECT_EQ(find_value(values, "major-faults").status, Status::counted);
}

struct ThreadId {
  int index;
  pid_t tid;
};

TEST(ChildCounters, CountsThreadsCreatedAfterAttach) {
  constexpr int kThreads = 4;
  constexpr int kSwitchesPerThread = 50;
  Pipe go = Pipe::create();
  Pipe tids = Pipe::create();
  std::vector<Pipe> feeds;
  for (int i = 0; i < kThreads; ++i) feeds.push_back(Pipe::create());
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        test::write_value(tids.write_end, ThreadId{t, test::current_tid()});
        for (int i = 0; i < kSwitchesPerThread; ++i) {
          if (!test::read_byte(feeds[static_cast<std::size_t>(t)].read_end)) ++failures;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    return failures == 0 ? 0 : 3;
  });
  auto counters = ChildCounters::attach(child.pid(), requests({"context-switches"}));
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);  // threads are created only now, after attach
  std::vector<pid_t> thread_ids(kThreads, -1);
  for (int t = 0; t < kThreads; ++t) {
    const auto id = test::read_value<ThreadId>(tids.read_end);
    thread_ids[static_cast<std::size_t>(id.index)] = id.tid;
  }
  for (int i = 0; i < kSwitchesPerThread; ++i) {
    for (std::size_t t = 0; t < kThreads; ++t) {
      test::feed_blocked_reader(child.pid(), thread_ids[t], feeds[t]);
    }
  }
  ASSERT_EQ(child.wait(), 0);
  counters.disable();
  const auto values = difference(before, counters.read());
  ASSERT_EQ(values[0].status, Status::counted) << values[0].message;
  EXPECT_GE(values[0].value, kThreads * kSwitchesPerThread);
}

TEST(ChildCounters, WorkWhileDisabledIsNotCounted) {
  constexpr std::size_t kCountedPages = 64;
  constexpr std::size_t kUncountedPages = 2048;
  Pipe go = Pipe::create();
  Pipe phase_done = Pipe::create();
  Pipe go_on = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    touch_fresh_pages(kCountedPages);
    test::write_byte(phase_done.write_end);
    if (!test::read_byte(go_on.read_end)) return 3;
    touch_fresh_pages(kUncountedPages);
    return 0;
  });
  auto counters = ChildCounters::attach(child.pid(), requests({"page-faults"}));
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);
  ASSERT_TRUE(test::read_byte(phase_done.read_end));
  counters.disable();
  test::write_byte(go_on.write_end);
  ASSERT_EQ(child.wait(), 0);
  const auto values = difference(before, counters.read());
  ASSERT_EQ(values[0].status, Status::counted) << values[0].message;
  EXPECT_GE(values[0].value, kCountedPages);
  EXPECT_LT(values[0].value, kCountedPages + 256);  // far below the 2048 uncounted pages
}

TEST(ChildCounters, SnapshotsAreCumulativeAndDifferencesPerInterval) {
  constexpr std::size_t kFirst = 100;
  constexpr std::size_t kSecond = 300;
  Pipe step = Pipe::create();
  Pipe step_done = Pipe::create();
  ChildProcess child([&] {
    for (std::size_t pages : {kFirst, kSecond}) {
      if (!test::read_byte(step.read_end)) return 2;
      touch_fresh_pages(pages);
      test::write_byte(step_done.write_end);
    }
    return 0;
  });
  auto counters = ChildCounters::attach(child.pid(), requests({"minor-faults"}));
  std::vector<double> per_interval;
  const Snapshot start = counters.read();
  Snapshot previous = start;
  for (int i = 0; i < 2; ++i) {
    counters.enable();
    test::write_byte(step.write_end);
    ASSERT_TRUE(test::read_byte(step_done.read_end));
    counters.disable();
    Snapshot now = counters.read();
    per_interval.push_back(difference(previous, now)[0].value);
    previous = std::move(now);
  }
  ASSERT_EQ(child.wait(), 0);
  EXPECT_GE(per_interval[0], kFirst);
  EXPECT_LT(per_interval[0], kSecond);  // the second interval's work is not in the first
  EXPECT_GE(per_interval[1], kSecond);
  const double total = difference(start, counters.read())[0].value;
  EXPECT_DOUBLE_EQ(total, per_interval[0] + per_interval[1]);
}

// futex(2) directly: every hand-off makes at least one FUTEX_WAKE syscall, blocking or not,
// which gives an exact lower bound for syscalls:sys_enter_futex.
long futex(std::atomic<int>* word, int op, int value) {
  return ::syscall(SYS_futex, reinterpret_cast<int*>(word), op, value, nullptr, nullptr, 0);
}

TEST(ChildCounters, CountsFutexSyscallsOfALockPingPong) {
  if (locate_tracefs().status != Status::counted) {
    GTEST_SKIP() << "tracefs not usable here: " << locate_tracefs().message;
  }
  constexpr int kRounds = 200;
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    std::atomic<int> turn{0};
    auto player = [&](int me) {
      for (int i = 0; i < kRounds; ++i) {
        int seen = turn.load();
        while (seen != me) {
          futex(&turn, FUTEX_WAIT_PRIVATE, seen);
          seen = turn.load();
        }
        turn.store(1 - me);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1);
      }
    };
    std::thread other(player, 1);
    player(0);
    other.join();
    return 0;
  });
  auto counters = ChildCounters::attach(child.pid(), requests({"syscalls:sys_enter_futex"}));
  ASSERT_EQ(counters.capabilities()[0].status, Status::counted) << counters.capabilities()[0].message;
  EXPECT_NE(counters.capabilities()[0].encoding.find("type=2"), std::string::npos);
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  counters.disable();
  const auto values = difference(before, counters.read());
  ASSERT_EQ(values[0].status, Status::counted) << values[0].message;
  EXPECT_GE(values[0].value, 2 * kRounds);  // one FUTEX_WAKE per hand-off, two per round
  EXPECT_DOUBLE_EQ(values[0].running_fraction, 1.0);
}

TEST(ChildCounters, UnavailableEventsKeepTheirStatusInRequestOrder) {
  Pipe go = Pipe::create();
  ChildProcess child([&] { return test::read_byte(go.read_end) ? 0 : 2; });
  auto counters = ChildCounters::attach(
      child.pid(), requests({"page-faults", "NO_SUCH_EVENT_FTBENCH", "task-clock"}));
  const auto& caps = counters.capabilities();
  ASSERT_EQ(caps.size(), 3u);
  EXPECT_EQ(caps[0].status, Status::counted);
  EXPECT_EQ(caps[1].status, Status::unknown_event);
  EXPECT_NE(caps[1].message.find("event not found"), std::string::npos) << caps[1].message;
  EXPECT_EQ(caps[2].status, Status::counted);
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  counters.disable();
  const auto values = difference(before, counters.read());
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].name, "page-faults");
  EXPECT_EQ(values[1].name, "NO_SUCH_EVENT_FTBENCH");
  EXPECT_EQ(values[1].status, Status::unknown_event);
  EXPECT_EQ(values[2].name, "task-clock");
}

TEST(ChildCounters, RequiredUnavailableEventThrows) {
  Pipe go = Pipe::create();
  ChildProcess child([&] { return test::read_byte(go.read_end) ? 0 : 2; });
  std::vector<EventRequest> wanted = {{"task-clock", true}, {"NO_SUCH_EVENT_FTBENCH", true}};
  try {
    auto counters = ChildCounters::attach(child.pid(), wanted);
    FAIL() << "expected RequiredEventError";
  } catch (const RequiredEventError& e) {
    ASSERT_EQ(e.missing().size(), 1u);
    EXPECT_EQ(e.missing()[0].name, "NO_SUCH_EVENT_FTBENCH");
    EXPECT_NE(std::string(e.what()).find("NO_SUCH_EVENT_FTBENCH"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("unknown_event"), std::string::npos);
  }
  test::write_byte(go.write_end);
  EXPECT_EQ(child.wait(), 0);
}

TEST(ChildCounters, RequiredHardwareEventThrowsWhereThereIsNoPmu) {
  const auto probe = probe_events({{"cycles", false}});
  if (probe[0].status == Status::counted) GTEST_SKIP() << "this machine counts cycles";
  EXPECT_EQ(probe[0].status, Status::not_supported) << probe[0].message;
  EXPECT_THROW((void)ChildCounters::attach(::getpid(), {{"cycles", true}}), RequiredEventError);
}

TEST(ChildCounters, DefaultGroupingPutsOnePmusEventsTogether) {
  auto counters = ChildCounters::attach(
      ::getpid(), requests({"task-clock", "page-faults", "minor-faults", "context-switches"}));
  EXPECT_EQ(counters.descriptor_count(), 4u);
  EXPECT_EQ(counters.group_count(), 1u);
  AttachOptions alone;
  alone.max_group_size = 1;
  EXPECT_EQ(ChildCounters::attach(::getpid(), requests({"task-clock", "page-faults"}), alone).group_count(),
            2u);
}

TEST(ChildCounters, CountersOutliveTheChild) {
  constexpr std::size_t kPages = 64;
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    touch_fresh_pages(kPages);
    return 0;
  });
  auto counters = ChildCounters::attach(child.pid(), requests({"page-faults"}));
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);  // reaped before "done": the orchestrator may see this on errors
  EXPECT_NO_THROW(counters.disable());
  EXPECT_NO_THROW(counters.enable());
  EXPECT_NO_THROW(counters.disable());
  const auto values = difference(before, counters.read());
  EXPECT_EQ(values[0].status, Status::counted);
  EXPECT_GE(values[0].value, kPages);
}

TEST(ChildCounters, MissingPidIsASystemError) {
  ChildProcess child([] { return 0; });
  const pid_t gone = child.pid();
  ASSERT_EQ(child.wait(), 0);
  EXPECT_THROW((void)ChildCounters::attach(gone, requests({"task-clock"})), std::system_error);
}

TEST(ChildCounters, GroupedSoftwareEventsAllCount) {
  // Software events share one group (same PMU type); a group cap of 2 forces a second group.
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    touch_fresh_pages(32);
    return 0;
  });
  AttachOptions options;
  options.max_group_size = 2;
  auto counters = ChildCounters::attach(
      child.pid(), requests({"task-clock", "page-faults", "minor-faults", "context-switches"}),
      options);
  EXPECT_EQ(counters.descriptor_count(), 4u);
  EXPECT_EQ(counters.group_count(), 2u);
  const Snapshot before = counters.read();
  counters.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  counters.disable();
  const auto values = difference(before, counters.read());
  for (const auto& value : values) EXPECT_EQ(value.status, Status::counted) << value.name;
  EXPECT_GE(find_value(values, "page-faults").value, 32);
  EXPECT_GE(find_value(values, "minor-faults").value, 32);
  EXPECT_GT(find_value(values, "task-clock").value, 0);
}

TEST(ChildCounters, NoDescriptorLeaksOverThousandsOfCycles) {
  Pipe go = Pipe::create();
  ChildProcess child([&] { return test::read_byte(go.read_end) ? 0 : 2; });
  // Opening/closing a tracepoint patches kernel static keys (~tens of ms each), so it gets
  // fewer cycles; the error paths (unknown name, ENOENT) are in every cycle.
  struct Round {
    int cycles;
    std::vector<EventRequest> events;
  };
  const std::vector<Round> rounds = {
      {2000, requests({"task-clock", "context-switches", "page-faults", "minor-faults", "cycles",
                       "hitm", "NO_SUCH_EVENT_FTBENCH"})},
      {40, requests({"syscalls:sys_enter_futex", "task-clock"})},
  };
  const std::size_t before = test::open_fd_count();
  for (const Round& round : rounds) {
    for (int i = 0; i < round.cycles; ++i) {
      auto counters = ChildCounters::attach(child.pid(), round.events);
      counters.enable();
      const auto snapshot = counters.read();
      counters.disable();
      ASSERT_EQ(snapshot.events.size(), round.events.size());
      ChildCounters moved = std::move(counters);  // ownership moves, nothing is duplicated
      ASSERT_GE(moved.descriptor_count(), 1u);
    }
  }
  EXPECT_EQ(test::open_fd_count(), before);
  test::write_byte(go.write_end);
  EXPECT_EQ(child.wait(), 0);
}

TEST(Difference, ScalesForMultiplexingAndKeepsTheFraction) {
  Snapshot before;
  before.events.push_back(EventReading{"cycles", Status::counted, "", false, "", {{"", 100, 1000, 1000}}});
  Snapshot after;
  after.events.push_back(EventReading{"cycles", Status::counted, "", false, "", {{"", 1100, 3000, 1500}}});
  const auto values = difference(before, after);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].status, Status::counted);
  EXPECT_EQ(values[0].raw, 1000u);
  EXPECT_DOUBLE_EQ(values[0].value, 1000.0 * 2000.0 / 500.0);
  EXPECT_DOUBLE_EQ(values[0].running_fraction, 0.25);
  EXPECT_EQ(values[0].time_enabled_ns, 2000u);
  EXPECT_EQ(values[0].time_running_ns, 500u);
}

TEST(Difference, NeverScheduledIsNotCountedNotZero) {
  Snapshot before;
  before.events.push_back(EventReading{"hitm", Status::counted, "", false, "",
                                       {{"local", 5, 100, 100}, {"remote", 0, 100, 0}}});
  Snapshot after;
  after.events.push_back(EventReading{"hitm", Status::counted, "", false, "",
                                      {{"local", 9, 200, 200}, {"remote", 0, 200, 0}}});
  const auto values = difference(before, after);
  EXPECT_EQ(values[0].status, Status::not_counted);
  EXPECT_NE(values[0].message.find("remote"), std::string::npos) << values[0].message;
  ASSERT_EQ(values[0].parts.size(), 2u);
  EXPECT_EQ(values[0].parts[0].first, "local");
  EXPECT_DOUBLE_EQ(values[0].parts[0].second, 4.0);
}

TEST(Difference, RejectsMismatchedOrReversedSnapshots) {
  Snapshot a;
  a.events.push_back(EventReading{"x", Status::counted, "", false, "", {{"", 10, 10, 10}}});
  Snapshot b;
  b.events.push_back(EventReading{"x", Status::counted, "", false, "", {{"", 5, 5, 5}}});
  EXPECT_THROW((void)difference(a, b), std::invalid_argument);
  Snapshot c;
  EXPECT_THROW((void)difference(a, c), std::invalid_argument);
}

}  // namespace
}  // namespace ftbench::perf
