#pragma once
// Vocabulary shared by the whole perf library: what the caller asks for (EventRequest), what
// the machine can give (EventCapability, Status) and the error for a required event that is
// missing.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ftbench::perf {

// Why an event has (or has no) value. The strings from to_string() are stable: they are
// written into results JSON.
enum class Status {
  counted,              // opened (capabilities) / counted with time_running > 0 (values)
  not_counted,          // opened, enabled, but never scheduled on the PMU (time_running == 0)
  not_supported,        // no such event on this machine (ENOENT, e.g. a VM without a PMU)
  not_permitted,        // EACCES/EPERM: perf_event_paranoid or missing CAP_PERFMON
  unknown_event,        // neither an alias, a libpfm4 event nor a tracepoint
  tracefs_unavailable,  // a tracepoint was requested but tracefs is not mounted/readable
  error,                // anything else (the message says what)
};

[[nodiscard]] std::string_view to_string(Status status) noexcept;

struct EventRequest {
  std::string name;       // alias ("cycles", "hitm"), libpfm4 name, or tracepoint "group:name"
  bool required = false;  // absence makes ChildCounters::attach throw RequiredEventError
};

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

// Thrown by ChildCounters::attach when an event marked `required` cannot be counted.
class RequiredEventError : public std::runtime_error {
 public:
  explicit RequiredEventError(std::vector<EventCapability> missing);
  [[nodiscard]] const std::vector<EventCapability>& missing() const noexcept { return missing_; }

 private:
  std::vector<EventCapability> missing_;
};

}  // namespace ftbench::perf
