#include "perf/status.h"

#include <utility>

namespace ftbench::perf {

std::string_view to_string(Status status) noexcept {
  switch (status) {
    case Status::counted: return "counted";
    case Status::not_counted: return "not_counted";
    case Status::not_supported: return "not_supported";
    case Status::not_permitted: return "not_permitted";
    case Status::unknown_event: return "unknown_event";
    case Status::tracefs_unavailable: return "tracefs_unavailable";
    case Status::error: return "error";
  }
  return "error";
}

namespace {
std::string describe_missing(const std::vector<EventCapability>& missing) {
  std::string text = "required perf event";
  text += missing.size() == 1 ? " is" : "s are";
  text += " not available:";
  for (const auto& event : missing) {
    text += "\n  ";
    text += event.name;
    text += " (";
    text += to_string(event.status);
    text += "): ";
    text += event.message;
  }
  text += "\nRun `orchestrate doctor` for details, or drop `required` for these events.";
  return text;
}
}  // namespace

RequiredEventError::RequiredEventError(std::vector<EventCapability> missing)
    : std::runtime_error(describe_missing(missing)), missing_(std::move(missing)) {}

}  // namespace ftbench::perf
