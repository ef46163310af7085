#include "report/presenter.h"

#include <gtest/gtest.h>

namespace ftbench::report {
namespace {

TEST(Presenter, DurationsAndCounts) {
  EXPECT_EQ(format_duration_ns(1234567), "1.23 ms");
  EXPECT_EQ(format_duration_ns(456), "456 ns");
  EXPECT_EQ(format_duration_ns(12.34e9), "12.3 s");
  EXPECT_EQ(format_duration_ns(0.5), "0.50 ns");
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(12.34), "12.3");
  EXPECT_EQ(format_count(0.000456), "0.000456");
}

}  // namespace
}  // namespace ftbench::report

namespace ftbench::report {
namespace {

analysis::ScalingEvidence evidence(analysis::ScalingCause cause) {
  analysis::ScalingEvidence e;
  e.cause = cause;
  analysis::EvidencePoint one, two;
  one.threads = 1;
  one.time_per_op_ns = 146;
  one.cpu_per_op_ns = 141;
  one.futex_per_op = 0.0002;
  two.threads = 2;
  two.time_per_op_ns = 149;
  two.cpu_per_op_ns = 251;
  two.futex_per_op = 0.000125;
  two.parallelism = 1.63;
  two.efficiency = 0.49;
  two.efficiency_ci = analysis::Interval{0.41, 0.60, 0.95};
  e.points = {one, two};
  e.cpu_ratio = 251.0 / 141.0;
  e.futex_rise = 0.000125 - 0.0002;
  return e;
}

TEST(Presenter, AScalingVerdictSaysWhatItRestsOn) {
  EXPECT_EQ(describe_scaling_verdict(evidence(analysis::ScalingCause::cache_contention)),
            "cache-line contention suspected: CPU/op rises 1.78x from 1 to 2 threads without blocking (futex/op "
            "flat); the watchpoint tier says which lines [rests on: CPU/op, futex/op, efficiency, parallelism]");
  EXPECT_EQ(describe_scaling_verdict(evidence(analysis::ScalingCause::not_enough_data)).rfind("not enough data", 0), 0u);
  const auto lines = describe_scaling_evidence(evidence(analysis::ScalingCause::cache_contention));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "efficiency at 2 threads 49% (95% interval 41%-60%)");
  EXPECT_EQ(lines[1], "time/op 146 ns at 1 thread, 149 ns at 2");
  EXPECT_EQ(lines[2], "CPU/op 141 ns -> 251 ns (1.78x)");
  auto with_intervals = evidence(analysis::ScalingCause::cache_contention);
  with_intervals.points[0].cpu_per_op_ci = analysis::Interval{138, 145, 0.95};
  EXPECT_EQ(describe_scaling_evidence(with_intervals)[2], "CPU/op 141 ns (95% 138 ns-145 ns) -> 251 ns (1.78x)");
}

}  // namespace
}  // namespace ftbench::report
