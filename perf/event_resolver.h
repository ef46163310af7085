#pragma once
// Turns an event name into perf_event_attr(s) ready to open: portable aliases and `hitm`
// (event_table), tracepoints via tracefs, anything else via libpfm4. Generic hardware events
// on hybrid CPUs become one part per CPU PMU.

#include <linux/perf_event.h>

#include <string>
#include <string_view>
#include <vector>

#include "perf/status.h"
#include "perf/system.h"

namespace ftbench::perf {

struct EventPart {
  std::string label;     // "" for plain events; CPU PMU name (hybrid); "local"/"remote" (hitm)
  perf_event_attr attr{};
  std::string encoding;  // "perf::PERF_COUNT_HW_CPU_CYCLES type=0 config=0x0"
  // Still meaningful when restricted to user space: on EACCES the part is retried with
  // exclude_kernel=1 (hardware events, page faults, task-clock). Kernel-side events
  // (context switches, migrations, tracepoints) would silently read 0 that way, so not them.
  bool user_space_fallback = false;
};

struct ResolvedEvent {
  std::string name;                  // as requested
  Status status = Status::counted;   // counted = resolved; parts are ready to open
  std::string message;               // why not, when status != counted
  std::vector<EventPart> parts;
  bool proxy = false;
  std::string note;
  [[nodiscard]] bool ok() const noexcept { return status == Status::counted; }
};

// Resolution order: alias table, hitm/hitm.local/hitm.remote, tracepoint "group:name" found in
// tracefs, libpfm4. A lowercase "group:name" that neither tracefs nor libpfm4 knows reports the
// tracefs problem (tracefs_unavailable/not_permitted) or unknown_event with both reasons.
[[nodiscard]] ResolvedEvent resolve_event(std::string_view name, const SystemPaths& paths = {});

}  // namespace ftbench::perf
