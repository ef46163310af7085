#pragma once
// The machinery both sampling recorders share (write_recorder, memory_sampling): sampling
// events of one recording, one ring buffer per CPU that every event on that CPU writes into
// (PERF_EVENT_IOC_SET_OUTPUT), enable/disable of all of them, and a guard thread that disables
// everything once a budget of bytes is in the buffers. Why per CPU: an inherited event opened
// with cpu=-1 cannot be mmapped (EINVAL), so inherit=1 needs one event per (task, CPU).

#include <sys/types.h>

#include <linux/perf_event.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "os/fd.h"
#include "perf/ring_buffer.h"

namespace ftbench::perf {

// Online CPUs from /sys/devices/system/cpu/online (the default when a caller names none).
[[nodiscard]] std::vector<int> online_cpus();

class SampleSession {
 public:
  // `cpus`: the CPUs to open events on (never empty); `buffer_pages`: data pages per CPU buffer
  // (a power of two).
  SampleSession(std::vector<int> cpus, std::size_t buffer_pages);
  ~SampleSession();
  SampleSession(const SampleSession&) = delete;
  SampleSession& operator=(const SampleSession&) = delete;

  struct Opened {
    int error = 0;         // errno of the failing step; 0 = opened
    bool mapping = false;  // the error came from mmap or SET_OUTPUT, not perf_event_open
    int fd = -1;           // owned by the session; usable as a group_fd
  };
  // Opens `attr` (which must have disabled=1) for (pid, cpus()[cpu_index]). A sampling event
  // writes into that CPU's buffer: the first one opened on the CPU maps it, later ones are
  // redirected into it. If the session is enabled (and the budget not reached), the new event is
  // enabled at once. On failure nothing is kept.
  [[nodiscard]] Opened open(const perf_event_attr& attr, pid_t pid, std::size_t cpu_index,
                            int group_fd, bool sampling);

  // rollback(checkpoint()) closes the events opened in between (undoes a partial arm). Buffer
  // owners stay: later events are redirected into them, and they hold what was written.
  [[nodiscard]] std::size_t checkpoint() const;
  void rollback(std::size_t checkpoint);

  [[nodiscard]] const std::vector<int>& cpus() const noexcept { return cpus_; }
  [[nodiscard]] std::size_t event_count() const;  // open perf events, buffer owners included
  [[nodiscard]] std::size_t buffer_bytes() const noexcept { return buffer_pages_ * RingBuffer::page_size(); }

  // ENABLE on every event (the kernel applies it to the inherited copies too), then starts the
  // guard: every `interval` it sums the pending bytes of all buffers and, at >= budget_bytes,
  // disables every event. Throws std::system_error if an ioctl fails.
  void enable(std::uint64_t budget_bytes, std::chrono::microseconds interval = std::chrono::milliseconds(2));

  struct Result {
    std::vector<RawRecord> samples;  // per CPU buffer order, buffers concatenated
    std::uint64_t lost = 0;
    std::uint64_t throttled = 0;
    bool budget_reached = false;
    std::uint64_t enabled_ns = 0;
  };
  // Stops the guard, disables, drains every buffer, then closes every event and unmaps every
  // buffer (so the debug registers / counters are free for the next recording at once). A second
  // call returns an empty Result.
  [[nodiscard]] Result finish();

 private:
  struct CpuBuffer {
    os::FileDescriptor owner;  // the event that owns the mapping; others SET_OUTPUT into it
    RingBuffer ring;
  };
  void guard_loop(std::uint64_t budget_bytes, std::chrono::microseconds interval);
  void disable_all_locked();
  void stop_guard();
  [[nodiscard]] std::uint64_t pending_bytes_locked() const;

  std::vector<int> cpus_;
  std::size_t buffer_pages_ = 0;

  mutable std::mutex mutex_;  // guards everything below (the guard thread touches it)
  std::vector<std::optional<CpuBuffer>> buffers_;  // by cpu index; set by the first sampling event
  std::vector<os::FileDescriptor> events_;          // every other event
  bool enabled_ = false;
  bool finished_ = false;
  bool budget_reached_ = false;
  std::chrono::steady_clock::time_point enabled_at_{};
  std::uint64_t enabled_ns_ = 0;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread guard_;
};

}  // namespace ftbench::perf
