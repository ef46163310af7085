#include "perf/ring_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace ftbench::perf {

MemoryMapping::MemoryMapping(MemoryMapping&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)), length_(std::exchange(other.length_, 0)) {}

MemoryMapping& MemoryMapping::operator=(MemoryMapping&& other) noexcept {
  if (this != &other) {
    reset();
    address_ = std::exchange(other.address_, nullptr);
    length_ = std::exchange(other.length_, 0);
  }
  return *this;
}

void MemoryMapping::reset() noexcept {
  if (address_ != nullptr) ::munmap(address_, length_);
  address_ = nullptr;
  length_ = 0;
}

std::size_t RingBuffer::page_size() noexcept {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t RingBuffer::pages_for_records(std::uint64_t max_records, std::size_t record_bytes, std::size_t max_bytes) {
  const std::uint64_t slack = std::max<std::uint64_t>(max_records / 4, 1024);
  const std::uint64_t bytes = std::min<std::uint64_t>((max_records + slack) * record_bytes, max_bytes);
  return pages_for(static_cast<std::size_t>(bytes), max_bytes);
}

std::size_t RingBuffer::pages_for(std::size_t bytes, std::size_t max_bytes) {
  const std::size_t page = page_size();
  const std::size_t max_pages = std::max<std::size_t>(std::bit_floor(max_bytes / page), 1);
  const std::size_t wanted = std::bit_ceil(std::max<std::size_t>((bytes + page - 1) / page, 1));
  return std::min(wanted, max_pages);
}

RingBuffer RingBuffer::map(int fd, std::size_t data_pages) {
  if (data_pages == 0 || !std::has_single_bit(data_pages)) {
    throw std::invalid_argument("perf ring buffer needs a power of two of data pages");
  }
  const std::size_t page = page_size();
  const std::size_t length = (data_pages + 1) * page;
  void* address = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (address == MAP_FAILED) {
    throw std::system_error(errno, std::generic_category(), "mmap of the perf ring buffer");
  }
  MemoryMapping mapping(address, length);
  const auto* meta = static_cast<const perf_event_mmap_page*>(address);
  // Kernels since 4.1 publish where the data area lies; older ones leave 0 (one page in).
  std::size_t offset = static_cast<std::size_t>(meta->data_offset);
  std::size_t size = static_cast<std::size_t>(meta->data_size);
  if (offset == 0 || size == 0) {
    offset = page;
    size = data_pages * page;
  }
  return RingBuffer(std::move(mapping), offset, size);
}

std::uint64_t RingBuffer::pending_bytes() const noexcept {
  perf_event_mmap_page* m = meta();
  // Acquire pairs with the kernel's release of data_head; the tail is ours.
  const std::uint64_t head = std::atomic_ref<__u64>(m->data_head).load(std::memory_order_acquire);
  const std::uint64_t tail = std::atomic_ref<__u64>(m->data_tail).load(std::memory_order_relaxed);
  return head - tail;
}

DrainResult RingBuffer::drain() {
  DrainResult result;
  perf_event_mmap_page* m = meta();
  const std::uint64_t head = std::atomic_ref<__u64>(m->data_head).load(std::memory_order_acquire);
  std::uint64_t tail = std::atomic_ref<__u64>(m->data_tail).load(std::memory_order_relaxed);
  const auto* data = static_cast<const std::byte*>(mapping_.get()) + data_offset_;
  const std::uint64_t mask = data_size_ - 1;  // data_size is a power of two

  // Copies `length` bytes starting at ring position `position`, splitting at the end.
  auto copy_out = [&](std::uint64_t position, void* out, std::size_t length) {
    const std::size_t start = static_cast<std::size_t>(position & mask);
    const std::size_t first = std::min(length, data_size_ - start);
    std::memcpy(out, data + start, first);
    if (first < length) std::memcpy(static_cast<std::byte*>(out) + first, data, length - first);
  };

  while (head - tail >= sizeof(perf_event_header)) {
    perf_event_header header{};
    copy_out(tail, &header, sizeof header);
    // A size below the header's own would loop forever; the kernel never writes one, so a
    // corrupt buffer ends the drain instead.
    if (header.size < sizeof header || header.size > head - tail) break;
    const std::size_t payload_size = header.size - sizeof header;
    switch (header.type) {
      case PERF_RECORD_SAMPLE: {
        RawRecord record;
        record.header = header;
        record.payload.resize(payload_size);
        copy_out(tail + sizeof header, record.payload.data(), payload_size);
        result.samples.push_back(std::move(record));
        break;
      }
      case PERF_RECORD_LOST: {
        // { u64 id; u64 lost; } (sample_id_all trailer, if any, follows)
        std::uint64_t fields[2] = {0, 0};
        if (payload_size >= sizeof fields) {
          copy_out(tail + sizeof header, fields, sizeof fields);
          result.lost += fields[1];
        }
        break;
      }
      case PERF_RECORD_THROTTLE: ++result.throttled; break;
      default: ++result.other; break;
    }
    tail += header.size;
  }
  // Release: our reads of the records happen before the kernel may reuse the space.
  std::atomic_ref<__u64>(m->data_tail).store(tail, std::memory_order_release);
  return result;
}

}  // namespace ftbench::perf
