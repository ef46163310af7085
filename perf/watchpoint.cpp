#include "perf/watchpoint.h"

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <system_error>
#include <utility>

#include "perf/perf_event.h"

namespace ftbench::perf {

Watchpoint Watchpoint::attach(pid_t pid, const WatchpointSpec& spec) {
  const std::size_t len = spec.length;
  if (len != 1 && len != 2 && len != 4 && len != 8) {
    throw std::invalid_argument("watchpoint length must be 1, 2, 4 or 8 bytes, not " +
                                std::to_string(len));
  }
  if (spec.address % len != 0) {
    throw std::invalid_argument("watchpoint address must be aligned to its length (" +
                                std::to_string(len) + " bytes)");
  }
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.bp_type = spec.access == WatchAccess::write ? HW_BREAKPOINT_W
                                                   : (HW_BREAKPOINT_R | HW_BREAKPOINT_W);
  attr.bp_addr = spec.address;
  attr.bp_len = len;
  attr.sample_period = 0;  // counting only
  attr.disabled = 1;
  attr.inherit = 1;
  // User-space accesses are what false sharing is about; kernel copies (read(2) into the
  // buffer) would need a lower perf_event_paranoid for no benefit.
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  attr.read_format = sys::kReadFormat;
  auto opened = sys::open_event(attr, pid);
  if (!opened.fd) {
    if (opened.error == ESRCH) {
      throw std::system_error(ESRCH, std::generic_category(),
                              "cannot attach a watchpoint to pid " + std::to_string(pid));
    }
    const auto diagnosis = sys::diagnose_open_error(opened.error, attr, pid);
    throw WatchpointError("hardware watchpoint not available: " + diagnosis.message);
  }
  return Watchpoint(std::move(opened.fd));
}

void Watchpoint::enable() {
  if (const int error = sys::enable(fd_.get(), false); error != 0) {
    throw std::system_error(error, std::generic_category(), "watchpoint enable");
  }
}

void Watchpoint::disable() {
  if (const int error = sys::disable(fd_.get(), false); error != 0) {
    throw std::system_error(error, std::generic_category(), "watchpoint disable");
  }
}

WatchpointReading Watchpoint::read() const {
  sys::RawCount count;
  if (const int error = sys::read_count(fd_.get(), count); error != 0) {
    throw std::system_error(error, std::generic_category(), "watchpoint read");
  }
  return WatchpointReading{count.value, count.time_enabled, count.time_running};
}

WatchpointProbe probe_hardware_watchpoint() {
  constexpr std::uint64_t kWrites = 3;
  alignas(8) static volatile std::uint64_t target = 0;  // static: stable address, no stack games
  try {
    const auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
    Watchpoint watchpoint = Watchpoint::attach(
        tid, WatchpointSpec{reinterpret_cast<std::uintptr_t>(&target), sizeof target,
                            WatchAccess::write});
    const auto before = watchpoint.read();
    watchpoint.enable();
    for (std::uint64_t i = 0; i < kWrites; ++i) target = i;
    watchpoint.disable();
    const auto counted = watchpoint.read().count - before.count;
    if (counted != kWrites) {
      return {false, "opened, but counted " + std::to_string(counted) + " of " +
                         std::to_string(kWrites) + " writes"};
    }
    return {true, "ok: counted " + std::to_string(counted) + " of " + std::to_string(kWrites) +
                      " writes to a watched variable"};
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

}  // namespace ftbench::perf
