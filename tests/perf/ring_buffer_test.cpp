// The ring buffer reader against a real kernel buffer: a write watchpoint sampled at period 1 on
// this thread gives one 48-byte record per write, so counts, wrap-around and losses are known.
#include <gtest/gtest.h>

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "perf/perf_event.h"
#include "perf/ring_buffer.h"
#include "tests/perf/test_support.h"

namespace ftbench::perf {
namespace {

alignas(8) volatile std::uint64_t g_ring_target = 0;
constexpr std::size_t kRecordBytes = 48;  // header + ip + pid/tid + time + addr + cpu

std::uint64_t target_address() { return reinterpret_cast<std::uintptr_t>(&g_ring_target); }

os::FileDescriptor open_sampling_watchpoint() {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.bp_type = HW_BREAKPOINT_W;
  attr.bp_addr = target_address();
  attr.bp_len = 8;
  attr.sample_period = 1;
  attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_CPU;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  attr.disabled = 1;
  auto opened = sys::open_event(attr, 0, -1);  // this thread, any CPU, no inherit: mmap-able
  if (!opened.fd) throw std::runtime_error("breakpoint open failed: " + std::string(std::strerror(opened.error)));
  return std::move(opened.fd);
}

void write_target(int times) {
  for (int i = 0; i < times; ++i) g_ring_target = static_cast<std::uint64_t>(i);
}

void expect_samples_of_target(const DrainResult& drained) {
  const auto tid = static_cast<std::uint32_t>(test::current_tid());
  for (const auto& sample : drained.samples) {
    ASSERT_EQ(sample.header.type, PERF_RECORD_SAMPLE);
    ASSERT_EQ(sample.header.size, kRecordBytes);
    ASSERT_EQ(sample.payload.size(), kRecordBytes - sizeof(perf_event_header));
    std::uint32_t pid_tid[2];
    std::uint64_t addr = 0;
    std::memcpy(pid_tid, sample.payload.data() + 8, sizeof pid_tid);
    std::memcpy(&addr, sample.payload.data() + 24, sizeof addr);
    EXPECT_EQ(pid_tid[1], tid);
    EXPECT_EQ(addr, target_address());
  }
}

TEST(RingBuffer, PagesForRoundsUpToAPowerOfTwoAndCaps) {
  const std::size_t page = RingBuffer::page_size();
  EXPECT_EQ(RingBuffer::pages_for(0, 1 << 20), 1u);
  EXPECT_EQ(RingBuffer::pages_for(1, 1 << 20), 1u);
  EXPECT_EQ(RingBuffer::pages_for(page, 1 << 20), 1u);
  EXPECT_EQ(RingBuffer::pages_for(page + 1, 1 << 20), 2u);
  EXPECT_EQ(RingBuffer::pages_for(3 * page, 1 << 20), 4u);
  EXPECT_EQ(RingBuffer::pages_for(std::size_t{1} << 30, std::size_t{64} << 20), (std::size_t{64} << 20) / page);
  EXPECT_EQ(RingBuffer::pages_for(std::size_t{1} << 30, 3 * page), 2u);  // cap rounds down
}

TEST(RingBuffer, MapRejectsAPageCountThatIsNotAPowerOfTwo) {
  auto fd = open_sampling_watchpoint();
  EXPECT_THROW((void)RingBuffer::map(fd.get(), 3), std::invalid_argument);
  EXPECT_THROW((void)RingBuffer::map(fd.get(), 0), std::invalid_argument);
}

TEST(RingBuffer, DrainsExactCountsAcrossTheWrapAndCountsLostRecords) {
  auto fd = open_sampling_watchpoint();
  RingBuffer ring = RingBuffer::map(fd.get(), 1);  // one page: 85 records fit, the 86th wraps
  ASSERT_EQ(ring.data_size(), RingBuffer::page_size());
  ASSERT_EQ(sys::enable(fd.get(), false), 0);

  write_target(60);
  EXPECT_EQ(ring.pending_bytes(), 60 * kRecordBytes);
  auto first = ring.drain();
  EXPECT_EQ(first.samples.size(), 60u);
  EXPECT_EQ(first.lost, 0u);
  EXPECT_EQ(ring.pending_bytes(), 0u);
  expect_samples_of_target(first);

  // 60 more: with a 4096-byte page, one record straddles the end and must be copied in two parts.
  write_target(60);
  auto second = ring.drain();
  EXPECT_EQ(second.samples.size(), 60u);
  expect_samples_of_target(second);

  // Overflow: only what fits is kept; the kernel reports the rest in a LOST record once there is
  // room again (on the next write after the drain).
  const std::size_t capacity = ring.data_size() / kRecordBytes;
  write_target(200);
  auto full = ring.drain();
  EXPECT_EQ(full.samples.size(), capacity);
  write_target(1);
  auto after = ring.drain();
  ASSERT_EQ(sys::disable(fd.get(), false), 0);
  EXPECT_EQ(full.samples.size() + after.lost + after.samples.size(), 201u);
  EXPECT_EQ(after.lost, 200u - capacity);
  expect_samples_of_target(full);
  expect_samples_of_target(after);
}

TEST(RingBuffer, MovedMappingUnmapsOnce) {
  const auto before = test::perf_mapping_count();
  {
    auto fd = open_sampling_watchpoint();
    RingBuffer ring = RingBuffer::map(fd.get(), 2);
    RingBuffer moved = std::move(ring);
    EXPECT_EQ(moved.data_size(), 2 * RingBuffer::page_size());
    EXPECT_EQ(test::perf_mapping_count(), before + 1);
  }
  EXPECT_EQ(test::perf_mapping_count(), before);
}

}  // namespace
}  // namespace ftbench::perf
