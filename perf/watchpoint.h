#pragma once
// Hardware watchpoints (x86 debug registers through PERF_TYPE_BREAKPOINT): count the writes
// (or reads and writes) to one address in a child process and every thread it creates after
// attach. They work in VMs without a PMU, which makes them the false-sharing tool there.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "os/fd.h"

namespace ftbench::perf {

enum class WatchAccess { write, read_write };  // x86 cannot watch reads alone

struct WatchpointSpec {
  std::uintptr_t address = 0;  // in the target's address space; aligned to `length`
  std::size_t length = 8;      // 1, 2, 4 or 8 bytes
  WatchAccess access = WatchAccess::write;
};

// Cumulative since attach; subtract two readings for an interval.
struct WatchpointReading {
  std::uint64_t count = 0;         // matching user-space accesses
  std::uint64_t time_enabled = 0;  // ns, summed over threads
  std::uint64_t time_running = 0;
};

class WatchpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Watchpoint {
 public:
  // Opens disabled with inherit=1 (attach while the target has only its main thread). Counts
  // user-space accesses only. Throws std::invalid_argument for a bad spec and WatchpointError
  // (with the reason and what to do) when the kernel refuses.
  [[nodiscard]] static Watchpoint attach(pid_t pid, const WatchpointSpec& spec);

  void enable();   // throws std::system_error
  void disable();  // throws std::system_error
  [[nodiscard]] WatchpointReading read() const;  // throws std::system_error

 private:
  explicit Watchpoint(os::FileDescriptor fd) : fd_(std::move(fd)) {}
  os::FileDescriptor fd_;
};

// Doctor check: can this process watch one of its own variables, and does the count match?
struct WatchpointProbe {
  bool supported = false;
  std::string message;  // "ok: counted 3 of 3 writes" or why not
};
[[nodiscard]] WatchpointProbe probe_hardware_watchpoint();

}  // namespace ftbench::perf
