// Tier 1's verdicts on constructed cells: each cause from the evidence that defines it.
#include "analysis/scaling_evidence.h"

#include <gtest/gtest.h>

namespace ftbench::analysis {
namespace {

constexpr int kProcesses = 6;

Sample constant(double v, int processes = kProcesses) {
  Sample s;
  for (int p = 0; p < processes; ++p) s.add(v * (1 + 0.001 * p), p);
  return s;
}

// One cell at `threads`: time/op, the workers' CPU/op, parallelism, futex calls/op.
Cell cell(int threads, double time_per_op, double cpu_per_op, double parallelism, double futex_per_op) {
  Cell c;
  c.key = {"b", "3.13t", threads};
  c.ops = 1000;
  c.time_per_op = constant(time_per_op);
  c.time = constant(time_per_op * 1000);
  c.time_per_op_stats = summarize(c.time_per_op, Quantity::duration_per_op_ns);
  c.cpu_per_op = constant(cpu_per_op);
  c.parallelism = constant(parallelism);
  CounterStats futex;
  futex.name = "syscalls:sys_enter_futex";
  futex.status = perf::Status::counted;
  futex.counted_iterations = kProcesses;
  futex.per_op = constant(futex_per_op);
  c.counters.push_back(futex);
  CounterStats hitm;
  hitm.name = "hitm";
  hitm.status = perf::Status::not_supported;
  hitm.message = "no HITM event for this CPU";
  c.counters.push_back(hitm);
  return c;
}

RunAnalysis analysis_of(bool gil, Cell one, Cell two, double efficiency) {
  RunAnalysis a;
  MeasuredInterpreter m;
  m.tested.label = "3.13t";
  m.gil_enabled = gil;
  a.cells.interpreters = {m};
  harness::Benchmark b;
  b.id = "b";
  b.scaling = harness::Scaling::weak;
  a.cells.benchmarks = {b};
  a.cells.threads = {1, 2};
  a.cells.cells = {std::move(one), std::move(two)};
  ScalingCurve curve;
  curve.benchmark = "b";
  curve.interpreter = "3.13t";
  curve.kind = harness::Scaling::weak;
  ScalingPoint p1, p2;
  p1.threads = 1;
  p1.efficiency = 1;
  p1.efficiency_ci = {1, 1, 0.95};
  p2.threads = 2;
  p2.efficiency = efficiency;
  p2.efficiency_ci = {efficiency * 0.9, efficiency * 1.1, 0.95};
  curve.points = {p1, p2};
  a.comparisons.scaling = {curve};
  return a;
}

TEST(ScalingEvidence, ScalesAtHighEfficiency) {
  const auto e = scaling_evidence(analysis_of(false, cell(1, 100, 100, 1, 0), cell(2, 105, 100, 1.9, 0), 0.95), "b", "3.13t");
  EXPECT_EQ(e.cause, ScalingCause::scales);
  ASSERT_EQ(e.points.size(), 2u);
  EXPECT_FALSE(e.points[1].hitm_per_op);
  ASSERT_EQ(e.missing.size(), 1u);  // hitm, with its reason
  EXPECT_NE(e.missing[0].find("no HITM event"), std::string::npos);
}

TEST(ScalingEvidence, CpuPerOpRisingWithoutBlockingIsCacheContention) {
  const auto e = scaling_evidence(analysis_of(false, cell(1, 100, 100, 1, 0), cell(2, 180, 340, 1.9, 0), 0.55), "b", "3.13t");
  EXPECT_EQ(e.cause, ScalingCause::cache_contention);
  EXPECT_NEAR(*e.cpu_ratio, 3.4, 1e-9);
  EXPECT_NEAR(*e.futex_rise, 0, 1e-9);
}

TEST(ScalingEvidence, FutexCallsRisingWithFlatCpuIsALock) {
  const auto e = scaling_evidence(analysis_of(false, cell(1, 100, 100, 1, 0.001), cell(2, 190, 105, 1.1, 0.4), 0.5), "b", "3.13t");
  EXPECT_EQ(e.cause, ScalingCause::lock_blocking);
  EXPECT_GT(*e.futex_rise, kFutexPerOpRise);
}

TEST(ScalingEvidence, TheGilOnAndNoParallelismIsGilSerialised) {
  const auto e = scaling_evidence(analysis_of(true, cell(1, 100, 100, 1, 0.001), cell(2, 200, 100, 1.0, 0.002), 0.5), "b", "3.13t");
  EXPECT_EQ(e.cause, ScalingCause::gil_serialised);
}

TEST(ScalingEvidence, FlatCpuNoBlockingButLittleParallelismIsCpuStarvation) {
  const auto e = scaling_evidence(analysis_of(false, cell(1, 100, 100, 1, 0), cell(2, 170, 102, 1.1, 0), 0.58), "b", "3.13t");
  EXPECT_EQ(e.cause, ScalingCause::cpu_starved);
  EXPECT_LT(*e.cpu_ratio, kCpuRise);
}

TEST(ScalingEvidence, TheGilDecidesBeforeANoisyEfficiency) {
  // One-thread cell slowed by noise: 114 % "efficiency" with the GIL on and no parallelism.
  const auto e = scaling_evidence(analysis_of(true, cell(1, 300, 150, 0.64, 0), cell(2, 135, 128, 0.95, 0), 1.14), "b", "3.13t");
  EXPECT_EQ(e.cause, ScalingCause::gil_serialised);
}

TEST(ScalingEvidence, ASuspectEfficiencyIsNotScaling) {
  auto a = analysis_of(false, cell(1, 300, 100, 1, 0), cell(2, 120, 100, 1.9, 0), 1.25);
  a.comparisons.scaling[0].points[1].suspect = true;
  EXPECT_NE(scaling_evidence(a, "b", "3.13t").cause, ScalingCause::scales);
}

TEST(ScalingEvidence, OneThreadCountIsNotEnough) {
  auto a = analysis_of(false, cell(1, 100, 100, 1, 0), cell(2, 100, 100, 1.9, 0), 0.9);
  a.cells.threads = {1};
  a.cells.cells.pop_back();
  EXPECT_EQ(scaling_evidence(a, "b", "3.13t").cause, ScalingCause::not_enough_data);
}

}  // namespace
}  // namespace ftbench::analysis
