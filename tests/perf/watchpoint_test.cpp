// Hardware watchpoints on a forked child: exact counts of writes (and reads).
#include <gtest/gtest.h>

#include <thread>

#include "perf/watchpoint.h"
#include "tests/perf/test_support.h"

namespace ftbench::perf {
namespace {

using test::ChildProcess;
using test::Pipe;

// Global: same address in the forked child as in the parent.
alignas(8) volatile std::uint64_t g_watched = 0;
volatile std::uint64_t g_sink = 0;

std::uintptr_t watched_address() { return reinterpret_cast<std::uintptr_t>(&g_watched); }

TEST(Watchpoint, CountsExactlyKWritesOfAChild) {
  constexpr std::uint64_t kWrites = 1000;
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    for (std::uint64_t i = 0; i < kWrites; ++i) g_watched = i;
    return 0;
  });
  auto watchpoint = Watchpoint::attach(child.pid(), {watched_address(), 8, WatchAccess::write});
  const auto before = watchpoint.read();
  watchpoint.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  watchpoint.disable();
  EXPECT_EQ(watchpoint.read().count - before.count, kWrites);
}

TEST(Watchpoint, ReadWriteModeCountsReadsToo) {
  constexpr std::uint64_t kWrites = 300;
  constexpr std::uint64_t kReads = 200;
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    for (std::uint64_t i = 0; i < kWrites; ++i) g_watched = i;
    for (std::uint64_t i = 0; i < kReads; ++i) g_sink = g_watched;
    return 0;
  });
  auto watchpoint = Watchpoint::attach(child.pid(), {watched_address(), 8, WatchAccess::read_write});
  watchpoint.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  watchpoint.disable();
  EXPECT_EQ(watchpoint.read().count, kWrites + kReads);
}

TEST(Watchpoint, CountsThreadsCreatedAfterAttachAndNothingWhileDisabled) {
  constexpr std::uint64_t kWrites = 500;
  Pipe go = Pipe::create();
  Pipe counted_done = Pipe::create();
  Pipe go_on = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    std::thread writer([] {
      for (std::uint64_t i = 0; i < kWrites; ++i) g_watched = i;
    });
    writer.join();
    for (std::uint64_t i = 0; i < kWrites; ++i) g_watched = i;
    test::write_byte(counted_done.write_end);
    if (!test::read_byte(go_on.read_end)) return 3;
    for (std::uint64_t i = 0; i < 10 * kWrites; ++i) g_watched = i;  // while disabled
    return 0;
  });
  auto watchpoint = Watchpoint::attach(child.pid(), {watched_address(), 8, WatchAccess::write});
  watchpoint.enable();
  test::write_byte(go.write_end);
  ASSERT_TRUE(test::read_byte(counted_done.read_end));
  watchpoint.disable();
  test::write_byte(go_on.write_end);
  ASSERT_EQ(child.wait(), 0);
  EXPECT_EQ(watchpoint.read().count, 2 * kWrites);
}

TEST(Watchpoint, SmallerLengthsWatchTheirBytesOnly) {
  Pipe go = Pipe::create();
  ChildProcess child([&] {
    if (!test::read_byte(go.read_end)) return 2;
    auto* bytes = reinterpret_cast<volatile std::uint8_t*>(&g_watched);
    for (int i = 0; i < 7; ++i) bytes[0] = static_cast<std::uint8_t>(i);  // watched byte
    for (int i = 0; i < 9; ++i) bytes[4] = static_cast<std::uint8_t>(i);  // outside 2-byte range
    return 0;
  });
  auto watchpoint = Watchpoint::attach(child.pid(), {watched_address(), 2, WatchAccess::write});
  watchpoint.enable();
  test::write_byte(go.write_end);
  ASSERT_EQ(child.wait(), 0);
  watchpoint.disable();
  EXPECT_EQ(watchpoint.read().count, 7u);
}

TEST(Watchpoint, RejectsBadSpecsWithClearErrors) {
  EXPECT_THROW((void)Watchpoint::attach(::getpid(), {watched_address(), 3, WatchAccess::write}),
               std::invalid_argument);
  EXPECT_THROW((void)Watchpoint::attach(::getpid(), {watched_address() + 1, 8, WatchAccess::write}),
               std::invalid_argument);
}

TEST(Watchpoint, ProbeReportsSupport) {
  const auto probe = probe_hardware_watchpoint();
  EXPECT_TRUE(probe.supported) << probe.message;
  EXPECT_FALSE(probe.message.empty());
}

TEST(Watchpoint, NoDescriptorLeaksOverThousandsOfCycles) {
  const std::size_t before = test::open_fd_count();
  for (int i = 0; i < 2000; ++i) {
    auto watchpoint = Watchpoint::attach(::getpid(), {watched_address(), 8, WatchAccess::write});
    watchpoint.enable();
    watchpoint.disable();
    (void)watchpoint.read();
  }
  EXPECT_EQ(test::open_fd_count(), before);
}

}  // namespace
}  // namespace ftbench::perf
