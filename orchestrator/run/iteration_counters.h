#pragma once
// Counters around each measured iteration of one process. The perf-backed implementation
// wraps perf::ChildCounters; tests substitute their own.

#include <sys/types.h>

#include <functional>
#include <memory>
#include <vector>

#include "perf/counters.h"
#include "perf/status.h"

namespace ftbench::run {

class IterationCounters {
 public:
  virtual ~IterationCounters() = default;
  virtual const std::vector<perf::EventCapability>& capabilities() const = 0;
  virtual void start() = 0;                               // snapshot, then enable
  virtual void stop() = 0;                                // disable: first thing after `done`
  virtual std::vector<perf::CounterValue> values() = 0;  // since start(), scaled, with status
};

// Attaches counters for `events` to process `pid` (which has only its main thread, so
// inherit-mode counting follows every thread it starts). Throws perf::RequiredEventError when
// a required event is unavailable, other exceptions when counters cannot be attached.
using CounterAttacher =
    std::function<std::unique_ptr<IterationCounters>(pid_t pid, const std::vector<perf::EventRequest>& events)>;

std::unique_ptr<IterationCounters> attach_perf_counters(pid_t pid, const std::vector<perf::EventRequest>& events);

}  // namespace ftbench::run
