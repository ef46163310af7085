#pragma once
// Vocabulary shared by the whole perf library: what the caller asks for (EventRequest), what
// the machine can give (EventCapability, Status) and the error for a required event that is
// missing.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/enum_names.h"
#include "util/json.h"

namespace ftbench::perf {

// Why an event has (or has no) value. The names below are stable: they are written into
// results JSON.
enum class Status {
  counted,              // opened (capabilities) / counted with time_running > 0 (values)
  not_counted,          // opened, enabled, but never scheduled on the PMU (time_running == 0)
  not_supported,        // no such event on this machine (ENOENT, e.g. a VM without a PMU)
  not_permitted,        // EACCES/EPERM: perf_event_paranoid or missing CAP_PERFMON
  unknown_event,        // neither an alias, a libpfm4 event nor a tracepoint
  tracefs_unavailable,  // a tracepoint was requested but tracefs is not mounted/readable
  error,                // anything else (the message says what)
};

inline constexpr util::EnumName<Status> kStatusNames[] = {
    {Status::counted, "counted"},
    {Status::not_counted, "not_counted"},
    {Status::not_supported, "not_supported"},
    {Status::not_permitted, "not_permitted"},
    {Status::unknown_event, "unknown_event"},
    {Status::tracefs_unavailable, "tracefs_unavailable"},
    {Status::error, "error"},
};
constexpr std::span<const util::EnumName<Status>> enum_names(Status) { return kStatusNames; }

// An event to count: what a config's `counters.events` entry and a profile both give.
struct EventRequest {
  std::string name;       // alias ("cycles", "hitm"), libpfm4 name, or tracepoint "group:name"
  bool required = false;  // absence makes ChildCounters::attach throw RequiredEventError
};
template <class F>
void describe(EventRequest& e, F& f) {
  f("name", e.name);
  f("required", e.required);
}

// What the library found out about one requested event before counting it.
struct EventCapability {
  std::string name;             // as requested
  Status status = Status::error;
  std::string message;          // empty when counted; otherwise what is wrong and what to do
  std::string encoding;         // e.g. "perf::PERF_COUNT_HW_CPU_CYCLES type=0 config=0x0"
                                // ("; "-joined when the event has several parts)
  bool proxy = false;           // the value only approximates the named quantity (AMD "hitm")
  std::string note;             // caveats: proxy meaning, errata, "user-space only", ...

  [[nodiscard]] bool available() const noexcept { return status == Status::counted; }
};
template <class F>
void describe(EventCapability& c, F& f) {
  f("name", c.name);
  f("status", c.status);
  f("message", c.message);
  f("encoding", c.encoding);
  f("proxy", c.proxy);
  f("note", c.note);
}

// Thrown by ChildCounters::attach when an event marked `required` cannot be counted.
class RequiredEventError : public std::runtime_error {
 public:
  explicit RequiredEventError(std::vector<EventCapability> missing);
  [[nodiscard]] const std::vector<EventCapability>& missing() const noexcept { return missing_; }

 private:
  std::vector<EventCapability> missing_;
};

}  // namespace ftbench::perf
