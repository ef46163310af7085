#include "perf/status.h"

#include <utility>

namespace ftbench::perf {

namespace {
std::string describe_missing(const std::vector<EventCapability>& missing) {
  std::string text = "required perf event";
  text += missing.size() == 1 ? " is" : "s are";
  text += " not available:";
  for (const auto& event : missing) {
    text += "\n  ";
    text += event.name;
    text += " (";
    text += util::name(event.status);
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
