#include "perf/profiles.h"

#include <stdexcept>
#include <string>

namespace ftbench::perf {
namespace {
constexpr std::array kProfiles = {Profile::none, Profile::basic, Profile::detailed};

constexpr std::array<std::string_view, 5> kBasicEvents = {
    "task-clock", "context-switches", "cpu-migrations", "page-faults",
    "syscalls:sys_enter_futex",  // lock waits and GIL hand-offs
};
constexpr std::array<std::string_view, 7> kDetailedExtra = {
    "cycles",      "instructions",  "cache-references", "cache-misses",
    "LLC-load-misses", "branch-misses", "hitm",
};
}  // namespace

std::string_view to_string(Profile profile) noexcept {
  switch (profile) {
    case Profile::none: return "none";
    case Profile::basic: return "basic";
    case Profile::detailed: return "detailed";
  }
  return "none";
}

std::span<const Profile> all_profiles() noexcept { return kProfiles; }

Profile parse_profile(std::string_view name) {
  for (const Profile profile : kProfiles) {
    if (to_string(profile) == name) return profile;
  }
  std::string valid;
  for (const Profile profile : kProfiles) {
    if (!valid.empty()) valid += ", ";
    valid += to_string(profile);
  }
  throw std::invalid_argument("unknown perf profile '" + std::string(name) +
                              "': valid profiles are " + valid);
}

std::vector<EventRequest> profile_events(Profile profile) {
  std::vector<EventRequest> events;
  if (profile == Profile::none) return events;
  for (const auto name : kBasicEvents) events.push_back(EventRequest{std::string(name), false});
  if (profile == Profile::detailed) {
    for (const auto name : kDetailedExtra) events.push_back(EventRequest{std::string(name), false});
  }
  return events;
}

}  // namespace ftbench::perf
