#pragma once
// The perf_event_open(2) system-call layer: open into an owned descriptor, enable/disable
// ioctls, counting reads with TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING, and the translation of an
// errno into a Status plus a message that tells the user what to do.

#include <linux/perf_event.h>
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "os/fd.h"
#include "perf/status.h"
#include "perf/system.h"

namespace ftbench::perf::sys {

// read_format every counter uses; read_count() parses exactly this layout.
inline constexpr std::uint64_t kReadFormat =
    PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;

struct OpenResult {
  os::FileDescriptor fd;
  int error = 0;  // errno when !fd
};

// perf_event_open with PERF_FLAG_FD_CLOEXEC (children spawned later must not inherit it).
[[nodiscard]] OpenResult open_event(const perf_event_attr& attr, pid_t pid, int cpu = -1,
                                    int group_fd = -1);

// Return 0 or an errno. `whole_group` adds PERF_IOC_FLAG_GROUP (acts on all siblings); either
// way the kernel applies the change to every inherited copy (child threads/processes).
[[nodiscard]] int enable(int fd, bool whole_group);
[[nodiscard]] int disable(int fd, bool whole_group);

struct RawCount {
  std::uint64_t value = 0;
  std::uint64_t time_enabled = 0;  // ns, summed over all inherited copies
  std::uint64_t time_running = 0;  // ns, ditto; < time_enabled when multiplexed
};
// Returns 0 or an errno.
[[nodiscard]] int read_count(int fd, RawCount& out);

struct Diagnosis {
  Status status = Status::error;
  std::string message;
};
// Explains a failed perf_event_open: ENOENT -> not_supported, EACCES/EPERM -> not_permitted
// with the paranoid level or capability needed, etc.
[[nodiscard]] Diagnosis diagnose_open_error(int error, const perf_event_attr& attr, pid_t pid,
                                            const SystemPaths& paths = {});

}  // namespace ftbench::perf::sys
