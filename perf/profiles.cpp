#include "perf/profiles.h"

#include <array>
#include <string>
#include <string_view>

namespace ftbench::perf {
namespace {

constexpr std::array<std::string_view, 5> kBasicEvents = {
    "task-clock", "context-switches", "cpu-migrations", "page-faults",
    "syscalls:sys_enter_futex",  // lock waits and GIL hand-offs
};
constexpr std::array<std::string_view, 7> kDetailedExtra = {
    "cycles",      "instructions",  "cache-references", "cache-misses",
    "LLC-load-misses", "branch-misses", "hitm",
};

}  // namespace

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
