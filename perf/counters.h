#pragma once
// Counting perf events in a child process and every thread/process it creates afterwards.
//
// Usage per test iteration (the kernel cannot reset counts of threads that already exited, so
// the API is cumulative snapshots and differences):
//   auto counters = ChildCounters::attach(pid, profile_events(Profile::basic));  // child has 1 thread
//   ... per iteration:  auto before = counters.read(); counters.enable();
//                       ... workload runs ...
//                       counters.disable(); auto after = counters.read();
//                       std::vector<CounterValue> values = difference(before, after);

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "os/fd.h"
#include "perf/status.h"
#include "perf/system.h"

namespace ftbench::perf {

struct AttachOptions {
  SystemPaths paths{};
  // Events on the same PMU share a group (co-scheduled, so ratios are consistent). A group is
  // scheduled all-or-nothing; capping its size keeps it schedulable even when the NMI watchdog
  // or another user holds a counter (larger sets form more groups and multiplex). 0 or 1 =
  // every event on its own.
  std::size_t max_group_size = 4;
};

// Cumulative reading of one counter part since attach.
struct PartReading {
  std::string label;  // "" / CPU PMU name / "local" / "remote"
  std::uint64_t value = 0;
  std::uint64_t time_enabled = 0;  // ns, summed over threads
  std::uint64_t time_running = 0;  // ns, summed over threads
};

struct EventReading {
  std::string name;
  Status status = Status::error;  // counted when readable; otherwise why there is no value
  std::string message;
  bool proxy = false;
  std::string note;
  std::vector<PartReading> parts;  // empty when status != counted
};

// One EventReading per requested event, in request order.
struct Snapshot {
  std::vector<EventReading> events;
};

// Value of one event over an interval (difference of two snapshots).
struct CounterValue {
  std::string name;
  Status status = Status::error;  // counted, not_counted (never scheduled) or the attach status
  std::string message;
  std::uint64_t raw = 0;          // unscaled count (sum over parts)
  double value = 0;               // scaled for multiplexing: raw * time_enabled / time_running
  double running_fraction = 0;    // time_running / time_enabled (lowest part); 1 = no multiplexing
  std::uint64_t time_enabled_ns = 0;  // summed over parts and threads: not wall time
  std::uint64_t time_running_ns = 0;
  bool proxy = false;
  std::string note;
  // Scaled value per part: per CPU PMU on hybrid CPUs ("cpu_core", "cpu_atom") or per
  // component ("local", "remote" for hitm). Empty for single-part events.
  std::vector<std::pair<std::string, double>> parts;
};

// As stored per iteration in results files: name, status, message (when set), value, raw,
// running_fraction, time_enabled_ns, time_running_ns, per_pmu (the parts, when several).
// proxy and note are not repeated per iteration (the capabilities carry them).
template <class F>
void describe(CounterValue& c, F& f) {
  f("name", c.name);
  f("status", c.status);
  f.optional("message", c.message);
  f("value", c.value);
  f("raw", c.raw);
  f("running_fraction", c.running_fraction);
  f("time_enabled_ns", c.time_enabled_ns);
  f("time_running_ns", c.time_running_ns);
  f.optional("per_pmu", c.parts);
}

// Per-interval values; throws std::invalid_argument if the snapshots do not come from the
// same ChildCounters (different events) or are in the wrong order.
[[nodiscard]] std::vector<CounterValue> difference(const Snapshot& before, const Snapshot& after);

// perf counters attached to one process and, through inherit=1, to every thread and process
// it creates after attach. Move-only; closes all descriptors on destruction. Not thread-safe.
class ChildCounters {
 public:
  // Opens every requested event disabled, with inherit=1, on `pid` (all CPUs). Attach while the
  // child has only its main thread (threads that already exist are not counted). Unavailable
  // events are kept with their status; throws RequiredEventError if a `required` one is
  // unavailable, std::system_error if `pid` does not exist.
  [[nodiscard]] static ChildCounters attach(pid_t pid, const std::vector<EventRequest>& requests,
                                            const AttachOptions& options = {});

  ChildCounters(ChildCounters&&) noexcept = default;
  ChildCounters& operator=(ChildCounters&&) noexcept = default;
  ChildCounters(const ChildCounters&) = delete;
  ChildCounters& operator=(const ChildCounters&) = delete;
  ~ChildCounters() = default;

  // Act on the group leaders and thereby on all siblings and inherited copies. Throw
  // std::system_error if the kernel refuses (it does not once the events are open).
  void enable();
  void disable();

  // Cumulative values since attach (never reset: see the file comment).
  [[nodiscard]] Snapshot read() const;

  // One entry per request, in request order.
  [[nodiscard]] const std::vector<EventCapability>& capabilities() const noexcept {
    return capabilities_;
  }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  // Number of perf_event descriptors held, and of groups (leaders) among them: diagnostics.
  [[nodiscard]] std::size_t descriptor_count() const noexcept;
  [[nodiscard]] std::size_t group_count() const noexcept { return leaders_.size(); }

 private:
  struct OpenPart {
    std::string label;
    os::FileDescriptor fd;
  };
  struct OpenEvent {
    std::vector<OpenPart> parts;  // empty when the event is unavailable
  };

  ChildCounters() = default;

  pid_t pid_ = -1;
  std::vector<EventCapability> capabilities_;
  std::vector<OpenEvent> events_;
  std::vector<int> leaders_;  // descriptors owned by events_ that lead a group (or stand alone)
};

// Opens each event on the calling thread, counts a little work, and reports what can be
// counted here (counted / not_counted / why not). Used by the doctor; needs no child.
[[nodiscard]] std::vector<EventCapability> probe_events(const std::vector<EventRequest>& requests,
                                                        const AttachOptions& options = {});

}  // namespace ftbench::perf
