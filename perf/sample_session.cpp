#include "perf/sample_session.h"

#include <sys/ioctl.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "os/files.h"
#include "os/system_check.h"
#include "perf/perf_event.h"

namespace ftbench::perf {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wconversion"
constexpr unsigned long kIocSetOutput = PERF_EVENT_IOC_SET_OUTPUT;
#pragma GCC diagnostic pop

std::uint64_t nanoseconds_between(std::chrono::steady_clock::time_point from,
                                  std::chrono::steady_clock::time_point to) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

}  // namespace

std::vector<int> online_cpus() {
  auto cpus = os::parse_cpu_list(os::read_first_line("/sys/devices/system/cpu/online").value_or(""));
  if (cpus.empty()) cpus.push_back(0);  // no sysfs (odd containers): at least CPU 0
  return cpus;
}

SampleSession::SampleSession(std::vector<int> cpus, std::size_t buffer_pages)
    : cpus_(std::move(cpus)), buffer_pages_(buffer_pages) {
  buffers_.resize(cpus_.size());
}

SampleSession::~SampleSession() { stop_guard(); }

SampleSession::Opened SampleSession::open(const perf_event_attr& attr, pid_t pid,
                                          std::size_t cpu_index, int group_fd, bool sampling) {
  std::lock_guard lock(mutex_);
  Opened result;
  if (finished_ || cpu_index >= cpus_.size()) {
    result.error = EBADF;
    return result;
  }
  auto opened = sys::open_event(attr, pid, cpus_[cpu_index], group_fd);
  if (!opened.fd) {
    result.error = opened.error;
    return result;
  }
  const int fd = opened.fd.get();
  auto& buffer = buffers_[cpu_index];
  if (sampling && !buffer) {
    try {
      RingBuffer ring = RingBuffer::map(fd, buffer_pages_);
      buffer.emplace(CpuBuffer{std::move(opened.fd), std::move(ring)});
    } catch (const std::system_error& e) {
      result.error = e.code().value();
      result.mapping = true;
      return result;
    }
  } else {
    if (sampling && ::ioctl(fd, kIocSetOutput, buffer->owner.get()) != 0) {
      result.error = errno;
      result.mapping = true;
      return result;
    }
    events_.push_back(std::move(opened.fd));
  }
  // Opened while recording (a thread added late): join the others' state.
  if (enabled_ && !budget_reached_) {
    if (const int error = sys::enable(fd, false); error != 0) {
      if (!events_.empty() && events_.back().get() == fd) {
        events_.pop_back();
      } else {
        buffer.reset();
      }
      result.error = error;
      return result;
    }
  }
  result.fd = fd;
  return result;
}

std::size_t SampleSession::checkpoint() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

void SampleSession::rollback(std::size_t checkpoint) {
  std::lock_guard lock(mutex_);
  while (events_.size() > checkpoint) events_.pop_back();
}

std::size_t SampleSession::event_count() const {
  std::lock_guard lock(mutex_);
  std::size_t count = events_.size();
  for (const auto& buffer : buffers_) if (buffer) ++count;
  return count;
}

void SampleSession::enable(std::uint64_t budget_bytes, std::chrono::microseconds interval) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) throw std::logic_error("SampleSession::enable after finish");
    if (enabled_) return;
    auto enable_fd = [](int fd) {
      if (const int error = sys::enable(fd, false); error != 0) {
        throw std::system_error(error, std::generic_category(), "PERF_EVENT_IOC_ENABLE");
      }
    };
    enabled_at_ = std::chrono::steady_clock::now();
    enabled_ = true;
    try {
      for (auto& buffer : buffers_) {
        if (buffer) enable_fd(buffer->owner.get());
      }
      for (auto& event : events_) enable_fd(event.get());
    } catch (...) {
      disable_all_locked();
      throw;
    }
  }
  {
    std::lock_guard stop_lock(stop_mutex_);
    stop_ = false;
  }
  guard_ = std::thread([this, budget_bytes, interval] { guard_loop(budget_bytes, interval); });
}

void SampleSession::guard_loop(std::uint64_t budget_bytes, std::chrono::microseconds interval) {
  std::unique_lock stop_lock(stop_mutex_);
  while (!stop_cv_.wait_for(stop_lock, interval, [this] { return stop_; })) {
    std::lock_guard lock(mutex_);
    if (budget_reached_ || !enabled_) return;
    if (pending_bytes_locked() >= budget_bytes) {
      budget_reached_ = true;
      disable_all_locked();
      return;
    }
  }
}

std::uint64_t SampleSession::pending_bytes_locked() const {
  std::uint64_t pending = 0;
  for (const auto& buffer : buffers_) {
    if (buffer) pending += buffer->ring.pending_bytes();
  }
  return pending;
}

void SampleSession::disable_all_locked() {
  // Errors are ignored: an event whose task is gone cannot record anything anyway.
  for (auto& buffer : buffers_) {
    if (buffer) (void)sys::disable(buffer->owner.get(), false);
  }
  for (auto& event : events_) (void)sys::disable(event.get(), false);
  if (enabled_) {
    enabled_ns_ += nanoseconds_between(enabled_at_, std::chrono::steady_clock::now());
    enabled_ = false;
  }
}

void SampleSession::stop_guard() {
  {
    std::lock_guard stop_lock(stop_mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (guard_.joinable()) guard_.join();
}

SampleSession::Result SampleSession::finish() {
  stop_guard();
  std::lock_guard lock(mutex_);
  Result result;
  if (finished_) return result;
  disable_all_locked();
  for (auto& buffer : buffers_) {
    if (!buffer) continue;
    DrainResult drained = buffer->ring.drain();
    result.lost += drained.lost;
    result.throttled += drained.throttled;
    for (auto& sample : drained.samples) result.samples.push_back(std::move(sample));
  }
  result.budget_reached = budget_reached_;
  result.enabled_ns = enabled_ns_;
  finished_ = true;
  events_.clear();
  for (auto& buffer : buffers_) buffer.reset();
  return result;
}

}  // namespace ftbench::perf
