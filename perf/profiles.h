#pragma once
// Profiles: the one place where the default event sets live.

#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "perf/status.h"

namespace ftbench::perf {

enum class Profile { none, basic, detailed };

// "none", "basic", "detailed".
[[nodiscard]] std::string_view to_string(Profile profile) noexcept;
[[nodiscard]] std::span<const Profile> all_profiles() noexcept;

// Throws std::invalid_argument naming the valid profiles.
[[nodiscard]] Profile parse_profile(std::string_view name);

// none: no events. basic: software events (task-clock, context-switches, cpu-migrations,
// page-faults) and the tracepoint syscalls:sys_enter_futex. detailed: basic plus cycles,
// instructions, cache-references, cache-misses, LLC-load-misses, branch-misses, hitm.
// None is required: runs go on with what the machine offers.
[[nodiscard]] std::vector<EventRequest> profile_events(Profile profile);

}  // namespace ftbench::perf
