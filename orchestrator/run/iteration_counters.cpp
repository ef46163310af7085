#include "run/iteration_counters.h"

namespace ftbench::run {
namespace {

class PerfIterationCounters final : public IterationCounters {
 public:
  explicit PerfIterationCounters(perf::ChildCounters counters) : counters_(std::move(counters)) {}
  const std::vector<perf::EventCapability>& capabilities() const override { return counters_.capabilities(); }
  void start() override {
    before_ = counters_.read();
    counters_.enable();
  }
  void stop() override { counters_.disable(); }
  std::vector<perf::CounterValue> values() override { return perf::difference(before_, counters_.read()); }

 private:
  perf::ChildCounters counters_;
  perf::Snapshot before_;
};

}  // namespace

std::unique_ptr<IterationCounters> attach_perf_counters(pid_t pid, const std::vector<perf::EventRequest>& events) {
  return std::make_unique<PerfIterationCounters>(perf::ChildCounters::attach(pid, events));
}

}  // namespace ftbench::run
