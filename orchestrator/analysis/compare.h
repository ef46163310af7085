#pragma once
// Comparisons built on the cells: each interpreter against the baseline, the free-threaded
// build against the default build of the same version, the free-threaded binary with
// PYTHON_GIL=1 against itself without, scaling over thread counts, geometric means per suite
// group, and two runs against each other. Every ratio carries a 95 % interval and a
// Mann-Whitney verdict; "not significant" is a result, reported as such.

#include <optional>
#include <string>
#include <vector>

#include "analysis/cells.h"
#include "analysis/significance.h"
#include "harness/benchmark.h"
#include "util/enum_names.h"

namespace ftbench::analysis {

enum class PairKind {
  versus_baseline,   // any interpreter / the baseline
  free_threading,    // free-threaded build (GIL off) / default build of the same version
  gil_switch,        // the free-threaded binary with PYTHON_GIL=1 / the same binary, GIL off
};
inline constexpr util::EnumName<PairKind> kPairKindNames[] = {{PairKind::versus_baseline, "versus_baseline"},
                                                              {PairKind::free_threading, "free_threading"},
                                                              {PairKind::gil_switch, "gil_switch"}};
constexpr std::span<const util::EnumName<PairKind>> enum_names(PairKind) { return kPairKindNames; }

// subject / reference: a ratio above 1 means the subject takes longer.
struct InterpreterPair {
  PairKind kind = PairKind::versus_baseline;
  std::string subject;
  std::string reference;
  std::string title;  // "3.13t vs 3.13: free-threaded vs default build of 3.13.5"
  // Configure flags in which the two builds differ beyond --disable-gil and the install
  // prefix: their ratios mix the thing compared with a build difference.
  std::vector<std::string> flags_differ;
  // free_threading: the subject's version ("3.15") when the reference is another version's
  // default build standing in for its missing one; "" when both are the same version.
  std::string stand_in_for;
};

std::vector<InterpreterPair> find_pairs(const Cells& cells);

// The configure flags only one of two builds has, ignoring --disable-gil and --prefix; empty
// when they were built alike.
std::vector<std::string> configure_flag_differences(const std::string& args_a, const std::string& args_b);

// Which time a ratio compares: per operation when every iteration reported its operation
// count (fair even if the two sides ran different sizes), else per iteration.
enum class TimeMetric { per_op, per_iteration };
inline constexpr util::EnumName<TimeMetric> kTimeMetricNames[] = {{TimeMetric::per_op, "time_per_op"},
                                                                  {TimeMetric::per_iteration, "time_per_iteration"}};
constexpr std::span<const util::EnumName<TimeMetric>> enum_names(TimeMetric) { return kTimeMetricNames; }

struct Comparison {
  PairKind kind = PairKind::versus_baseline;
  std::string subject;
  std::string reference;
  std::string benchmark;
  int threads = 1;
  TimeMetric metric = TimeMetric::per_op;
  RatioEstimate time;   // subject / reference
};

Comparison compare_cells(const Cell& subject, const Cell& reference, PairKind kind);

// One thread count on a scaling curve. T(N) is the median time of one iteration at N threads.
//   strong scaling (fixed total work):       speedup = T(1)/T(N), efficiency = speedup / N
//   weak scaling (fixed work per thread):    efficiency = T(1)/T(N), speedup = N * T(1)/T(N)
// (the weak "speedup" is the scaled speedup: throughput relative to one thread). Ideal is
// speedup = N and efficiency = 1 for both. Intervals come from the T(N)/T(1) ratio interval.
struct ScalingPoint {
  int threads = 1;
  double speedup = 0;
  Interval speedup_ci;
  double efficiency = 0;
  Interval efficiency_ci;
  bool significant = false;     // T(N) differs from T(1) (Mann-Whitney, p < 0.05)
  double p_value = 1;
  bool insufficient = false;    // too few processes for any difference to be significant
  bool oversubscribed = false;  // more threads than usable CPUs: the ideal is unreachable
  // Efficiency above 100 % (or a speedup above N): more than the scaling model allows. Shown
  // with its likely cause, never counted as a finding.
  bool suspect = false;
  std::string suspect_reason;
};

struct ScalingCurve {
  std::string benchmark;
  std::string interpreter;
  harness::Scaling kind = harness::Scaling::strong;  // strong or weak
  std::vector<ScalingPoint> points;  // threads ascending, including 1

  const ScalingPoint* at(int threads) const;
};

ScalingPoint scaling_point(harness::Scaling kind, int threads, const Sample& one_thread, const Sample& n_threads,
                           int usable_cpus);

// A latency benchmark (harness::Scaling::latency, e.g. thread creation): each operation's
// latency is the result, and more threads show throughput, never a scaling efficiency.
struct LatencyPoint {
  int threads = 1;
  double latency_ns = 0;          // the workers' time per operation (sum of wall times / ops), over processes
  Interval latency_ci;
  double throughput_per_s = 0;    // operations per second of region time (all workers together)
  std::optional<double> other_cpu_ns_per_op;  // task-clock minus the workers' CPU, per operation
};
struct LatencyCurve {
  std::string benchmark;
  std::string interpreter;
  std::vector<LatencyPoint> points;  // threads ascending
};

// How a suite pair's measured ratio stands to its docstring's Expected.
enum class Agreement { agrees, contradicts, inconclusive, no_expectation };
inline constexpr util::EnumName<Agreement> kAgreementNames[] = {{Agreement::agrees, "agrees"},
                                                                {Agreement::contradicts, "contradicts"},
                                                                {Agreement::inconclusive, "inconclusive"},
                                                                {Agreement::no_expectation, "no_expectation"}};
constexpr std::span<const util::EnumName<Agreement>> enum_names(Agreement) { return kAgreementNames; }

// "equal" is judged with this margin: contradicted when the whole interval lies outside
// [1/1.1, 1.1], confirmed when it lies inside.
inline constexpr double kEqualMargin = 1.10;

// Two workloads of a suite pair (workloads/SUITE.md) compared within one interpreter and
// thread count: subject / reference time per operation.
struct WorkloadPairComparison {
  std::string pair;         // "false_sharing"
  std::string subject;      // benchmark ids
  std::string reference;
  std::string interpreter;
  int threads = 1;
  TimeMetric metric = TimeMetric::per_op;
  RatioEstimate time;
  std::optional<harness::ExpectedRatio> expected;
  Agreement agreement = Agreement::no_expectation;
};
Agreement judge(const RatioEstimate& r, std::optional<harness::ExpectedRatio> expected);

// Geometric mean of the time ratios of one pair over the benchmarks of one suite group ("all"
// for every benchmark) at one thread count, with how many moved significantly.
struct GroupGeomean {
  PairKind kind = PairKind::versus_baseline;
  std::string subject;
  std::string reference;
  std::string group;
  int threads = 1;
  double geomean = 0;
  size_t benchmarks = 0;
  size_t faster = 0;           // significantly less time than the reference
  size_t slower = 0;
  size_t not_significant = 0;  // insufficient ones included
  size_t insufficient = 0;     // too few processes for any verdict
};

double geometric_mean(const std::vector<double>& positive_values);

struct Comparisons {
  std::vector<InterpreterPair> pairs;
  std::vector<Comparison> rows;      // pair order, then benchmark, then threads
  std::vector<ScalingCurve> scaling; // benchmark order, then interpreter
  std::vector<LatencyCurve> latency; // latency benchmarks, benchmark order, then interpreter
  std::vector<WorkloadPairComparison> workload_pairs;  // pair, interpreter, threads order
  std::vector<GroupGeomean> geomeans;

  const InterpreterPair* pair(PairKind kind, const std::string& subject) const;

  const Comparison* find(PairKind kind, const std::string& subject, const std::string& benchmark, int threads) const;
};

// usable_cpus: the CPUs the run could use (affinity list or machine), for oversubscription.
Comparisons compare_within_run(const Cells& cells, int usable_cpus);

// Two runs of the same matrix (last night vs tonight): B / A for every (interpreter label,
// benchmark, threads) present in both.
struct RunComparisonRow {
  std::string interpreter;
  std::string benchmark;
  int threads = 1;
  TimeMetric metric = TimeMetric::per_op;
  RatioEstimate time;              // run B / run A
  std::string note;                // e.g. "version 3.13.4 -> 3.13.5"
};

struct RunComparison {
  std::string run_a;
  std::string run_b;
  std::vector<RunComparisonRow> rows;
  std::vector<GroupGeomean> geomeans;  // subject = run B, reference = run A, per interpreter label
  std::vector<std::string> notes;      // different machines, cells only in one run ...
};

RunComparison compare_runs(const std::string& run_a, const Cells& a, const std::string& run_b, const Cells& b);

}  // namespace ftbench::analysis
