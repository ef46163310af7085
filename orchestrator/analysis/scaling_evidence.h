#pragma once
// Tier 1 of `orchestrate diagnose` (any machine): why a benchmark does or does not scale,
// from a normal run's cells. Time/op, CPU/op, context switches/op, futex calls/op and, where
// counted, hitm/op across thread counts, and one verdict that names the evidence it rests on:
//   scales                    efficiency >= 80 % at the largest thread count
//   gil_serialised            the GIL was on and the workers never ran in parallel
//   lock_blocking             futex calls and context switches per op rise, CPU per op flat:
//                             threads wait for each other
//   cache_contention          CPU per op rises with threads without blocking: the same work
//                             costs more cycles, the signature of lines moving between cores
//   cpu_starved               nothing blocked and CPU/op stayed flat, yet the workers ran far less
//                             than N CPUs' worth in parallel: they waited for a CPU (other load,
//                             steal, fewer CPUs than threads)
//   unclear                   does not scale, no single cause in the counters

#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "util/enum_names.h"

namespace ftbench::analysis {

enum class ScalingCause { scales, gil_serialised, lock_blocking, cache_contention, cpu_starved, unclear, not_enough_data };
inline constexpr util::EnumName<ScalingCause> kScalingCauseNames[] = {
    {ScalingCause::scales, "scales"},
    {ScalingCause::gil_serialised, "gil_serialised"},
    {ScalingCause::lock_blocking, "lock_blocking"},
    {ScalingCause::cache_contention, "cache_contention"},
    {ScalingCause::cpu_starved, "cpu_starved"},
    {ScalingCause::unclear, "unclear"},
    {ScalingCause::not_enough_data, "not_enough_data"}};
constexpr std::span<const util::EnumName<ScalingCause>> enum_names(ScalingCause) { return kScalingCauseNames; }

// Medians over processes (the unit) at one thread count, with their 95 % intervals (over
// process medians; over iterations when a cell ran one process).
struct EvidencePoint {
  int threads = 1;
  double time_per_op_ns = 0;
  Interval time_per_op_ci;
  std::optional<double> cpu_per_op_ns;        // the workers' CPU time per operation
  std::optional<Interval> cpu_per_op_ci;
  std::optional<double> parallelism;          // the workers' CPU time / region time
  std::optional<double> switches_per_op;      // context-switches (voluntary and involuntary)
  std::optional<Interval> switches_per_op_ci;
  std::optional<double> migrations_per_op;
  std::optional<double> futex_per_op;         // syscalls:sys_enter_futex
  std::optional<Interval> futex_per_op_ci;
  std::optional<double> hitm_per_op;
  std::optional<Interval> hitm_per_op_ci;
  std::optional<double> efficiency;           // from the scaling curve (not for latency benchmarks)
  std::optional<Interval> efficiency_ci;
  bool oversubscribed = false;
  bool suspect = false;                       // efficiency above what the scaling model allows: noise
};

struct ScalingEvidence {
  std::string benchmark;
  std::string interpreter;
  bool gil_enabled = false;
  harness::Scaling kind = harness::Scaling::weak;
  std::vector<EvidencePoint> points;          // threads ascending
  ScalingCause cause = ScalingCause::not_enough_data;
  // What the cause rests on, at the largest thread count against one thread (the presenter
  // words it: report::describe_scaling_evidence).
  std::optional<double> cpu_ratio;            // CPU/op at N / at 1
  std::optional<double> futex_rise;           // futex calls/op at N minus at 1
  bool hitm_rises = false;                    // hitm/op at N > max(0.01, 10x at 1)
  std::vector<std::string> missing;           // counters that were not counted, and why
};

// Thresholds, named so the docs and tests can cite them.
inline constexpr double kScalesEfficiency = 0.80;
inline constexpr double kCpuRise = 1.30;       // CPU per op this much above one thread's: contention
inline constexpr double kFutexPerOpRise = 0.01; // at least one futex call per 100 ops more than at 1 thread
inline constexpr double kStarvedParallelism = 0.75;  // ran less than this share of N CPUs' worth

ScalingEvidence scaling_evidence(const RunAnalysis& analysis, const std::string& benchmark,
                                 const std::string& interpreter);

}  // namespace ftbench::analysis
