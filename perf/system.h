#pragma once
// Facts about the running system that decide which events can be counted: where tracefs
// lives, which CPU PMUs sysfs lists (hybrid parts), perf_event_paranoid, privileges. Every
// path is injectable (SystemPaths) so tests can fake a hybrid machine or a missing tracefs.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "perf/status.h"

namespace ftbench::perf {

struct SystemPaths {
  // One folder per PMU, each with a `type` file; CPU PMUs of hybrid parts also have `cpus`.
  std::filesystem::path event_source_devices = "/sys/bus/event_source/devices";
  // Tried in order; libpfm4 itself only looks under debugfs, hence our own lookup.
  std::vector<std::filesystem::path> tracefs_candidates = {"/sys/kernel/tracing",
                                                           "/sys/kernel/debug/tracing"};
  std::filesystem::path perf_event_paranoid = "/proc/sys/kernel/perf_event_paranoid";
};

// A CPU PMU that sysfs lists with a `cpus` file (cpu_core, cpu_atom, armv8_pmuv3_0, ...).
struct CpuPmu {
  std::string name;
  std::uint32_t type = 0;  // perf_event_attr.type of this PMU (from its `type` file)
  std::string cpus;        // e.g. "0-15"
};

// PMU folders with a `cpus` file, sorted by name. Two or more means a hybrid CPU: generic
// hardware events must then be opened once per PMU (see resolve_event).
[[nodiscard]] std::vector<CpuPmu> enumerate_cpu_pmus(const SystemPaths& paths = {});

struct TracefsLocation {
  Status status = Status::tracefs_unavailable;  // counted = usable
  std::filesystem::path root;                   // set when usable
  std::string message;                          // why not usable and what to do
};
[[nodiscard]] TracefsLocation locate_tracefs(const SystemPaths& paths = {});

[[nodiscard]] std::optional<int> read_perf_event_paranoid(const SystemPaths& paths = {});
// One line: what the paranoid level allows an unprivileged user to count.
[[nodiscard]] std::string describe_paranoid(std::optional<int> level);

// True if perf_event_paranoid does not apply to this process (CAP_PERFMON or CAP_SYS_ADMIN in
// the effective set; root normally has both).
[[nodiscard]] bool has_perf_privilege();

[[nodiscard]] std::string kernel_release();

}  // namespace ftbench::perf
