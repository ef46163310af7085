#pragma once
// A perf_event ring buffer: one metadata page plus 2^n data pages mapped from an event fd, and
// a reader that copies the records between data_tail and data_head out. Sampling modules
// (write_recorder, memory_sampling) route several events into one buffer per CPU and parse
// the PERF_RECORD_SAMPLE payloads themselves; this layer only knows the record framing.

#include <linux/perf_event.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace ftbench::perf {

// RAII owner of one mmap(2) region.
class MemoryMapping {
 public:
  MemoryMapping() noexcept = default;
  MemoryMapping(void* address, std::size_t length) noexcept : address_(address), length_(length) {}
  MemoryMapping(MemoryMapping&& other) noexcept;
  MemoryMapping& operator=(MemoryMapping&& other) noexcept;
  MemoryMapping(const MemoryMapping&) = delete;
  MemoryMapping& operator=(const MemoryMapping&) = delete;
  ~MemoryMapping() { reset(); }

  [[nodiscard]] void* get() const noexcept { return address_; }
  [[nodiscard]] std::size_t size() const noexcept { return length_; }
  explicit operator bool() const noexcept { return address_ != nullptr; }
  void reset() noexcept;  // munmap (if mapped)

 private:
  void* address_ = nullptr;
  std::size_t length_ = 0;
};

// One record copied out of the buffer (contiguous even when it wrapped around the end).
struct RawRecord {
  perf_event_header header{};
  std::vector<std::byte> payload;  // the header.size - 8 bytes after the header
};

struct DrainResult {
  std::vector<RawRecord> samples;  // PERF_RECORD_SAMPLE, in buffer order
  std::uint64_t lost = 0;          // sum of PERF_RECORD_LOST counts
  std::uint64_t throttled = 0;     // PERF_RECORD_THROTTLE records (the kernel paused sampling)
  std::uint64_t other = 0;         // any other record type, skipped
};

// Reads one field of a sample record (fields follow each other unaligned) and moves past it.
template <typename T>
T take(const std::byte*& cursor) {
  T value;
  std::memcpy(&value, cursor, sizeof value);
  cursor += sizeof value;
  return value;
}

class RingBuffer {
 public:
  // Maps 1 metadata page + `data_pages` (a power of two, >= 1) of the perf event `fd`,
  // read-write so that the kernel honours data_tail and never overwrites unread records.
  // Throws std::system_error with mmap's errno (EPERM: over perf_event_mlock_kb / RLIMIT_MEMLOCK).
  [[nodiscard]] static RingBuffer map(int fd, std::size_t data_pages);

  // Data pages (a power of two) holding at least `bytes`, at most `max_bytes` (rounded down to
  // a power of two of pages, at least one page).
  [[nodiscard]] static std::size_t pages_for(std::size_t bytes, std::size_t max_bytes);
  // Data pages for `max_records` sample records of `record_bytes` each, with headroom: a
  // sampler's guard looks every ~2 ms and records keep arriving until it does, so a quarter
  // more (at least 1024 records) keeps those late ones out of PERF_RECORD_LOST.
  [[nodiscard]] static std::size_t pages_for_records(std::uint64_t max_records, std::size_t record_bytes,
                                                     std::size_t max_bytes);
  [[nodiscard]] static std::size_t page_size() noexcept;

  RingBuffer(RingBuffer&&) noexcept = default;
  RingBuffer& operator=(RingBuffer&&) noexcept = default;

  // data_head - data_tail: bytes the kernel wrote and nobody consumed yet. Two loads, no
  // copying; safe to call from another thread than the one that drains.
  [[nodiscard]] std::uint64_t pending_bytes() const noexcept;
  [[nodiscard]] std::size_t data_size() const noexcept { return data_size_; }

  // Copies out every record between data_tail and data_head, then advances data_tail.
  [[nodiscard]] DrainResult drain();

 private:
  RingBuffer(MemoryMapping mapping, std::size_t data_offset, std::size_t data_size)
      : mapping_(std::move(mapping)), data_offset_(data_offset), data_size_(data_size) {}
  [[nodiscard]] perf_event_mmap_page* meta() const noexcept {
    return static_cast<perf_event_mmap_page*>(mapping_.get());
  }

  MemoryMapping mapping_;
  std::size_t data_offset_ = 0;
  std::size_t data_size_ = 0;
};

}  // namespace ftbench::perf
