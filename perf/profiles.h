#pragma once
// Profiles: the one place where the default event sets live.

#include <span>
#include <vector>

#include "perf/status.h"
#include "util/enum_names.h"

namespace ftbench::perf {

enum class Profile { none, basic, detailed };
inline constexpr util::EnumName<Profile> kProfileNames[] = {
    {Profile::none, "none"}, {Profile::basic, "basic"}, {Profile::detailed, "detailed"}};
constexpr std::span<const util::EnumName<Profile>> enum_names(Profile) { return kProfileNames; }

// none: no events. basic: software events (task-clock, context-switches, cpu-migrations,
// page-faults) and the tracepoint syscalls:sys_enter_futex. detailed: basic plus cycles,
// instructions, cache-references, cache-misses, LLC-load-misses, branch-misses, hitm.
// None is required: runs go on with what the machine offers.
[[nodiscard]] std::vector<EventRequest> profile_events(Profile profile);

}  // namespace ftbench::perf
