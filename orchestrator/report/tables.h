#pragma once
// The tables every text report shares (terminal summary, summary.md), built once from the
// model and rendered plain or as Markdown by TextTable.

#include <string>
#include <vector>

#include "analysis/compare.h"
#include "report/report_model.h"
#include "report/presenter.h"
#include "report/text_table.h"

namespace ftbench::report {

// Median time per operation (per iteration where operations are unknown) of every cell, one
// column per interpreter, each non-baseline one followed by its ratio to the baseline.
// A trailing "!" marks a cell with stability warnings.
TextTable time_table(const ReportModel& model);

// One pair kind (free-threaded vs default build, GIL switch): ratio, interval and p-value.
TextTable pair_table(const ReportModel& model, analysis::PairKind kind);

// Speedup over one thread (and efficiency) per benchmark, interpreter and thread count.
TextTable scaling_table(const ReportModel& model);
// "... is suspect: why" lines for scaling points above what the model allows.
std::vector<std::string> suspect_scaling_lines(const ReportModel& model);

// Latency benchmarks (thread creation): latency per operation, throughput, and the CPU spent
// outside the workers' bodies, per interpreter and thread count.
TextTable latency_table(const ReportModel& model);

// The suite's workload pairs within each interpreter and thread count: subject / reference,
// interval, p, the docstring's expectation and whether the measurement agrees.
TextTable workload_pair_table(const ReportModel& model);

// One line per interpreter comparison whose builds' configure flags differ.
std::vector<std::string> build_flag_notes(const ReportModel& model);

// Geometric mean of time ratios per suite group, pair and thread count.
TextTable geomean_table(const std::vector<analysis::GroupGeomean>& geomeans, bool run_comparison = false);

// Every counter per operation, per cell; counters that were not counted show their status.
TextTable counter_table(const ReportModel& model);
// "cycles: not_supported in every cell: no PMU on this machine ...": why counters are missing.
std::vector<std::string> counter_notes(const ReportModel& model);

TextTable failure_table(const ReportModel& model);

// pyperf's rules, per cell: "scaling/x 3.13t t=4: stdev 1.2 ms is 14% of the mean 8.6 ms" lines.
std::vector<std::string> stability_lines(const ReportModel& model);
// The cells noisier than the noise floor, each with its CV, the floor and the cause.
std::vector<std::string> noise_lines(const ReportModel& model);
// One line: how many cells are noisier than the floor and why, and how many pyperf's rules flag.
std::string stability_summary(const ReportModel& model);
// What to do: lower the floor (the system check's fixes, doctor --tune), resolve smaller
// differences (more processes, target_rel_ci), re-run flagged cells.
std::vector<std::string> stability_advice(const ReportModel& model);

// Two runs compared: B / A per interpreter, benchmark and threads.
TextTable run_comparison_rows(const analysis::RunComparison& comparison);

// The sections every text report shows, in order: the terminal summary and summary.md render
// the same list (the terminal skips the ones marked detailed_only).
struct Section {
  std::string title;
  std::string caption;
  TextTable table{{}};
  std::vector<std::string> lines;  // shown as bullets (after the table, if any)
  bool detailed_only = false;      // summary.md and the dashboard, not the terminal
  bool empty() const { return table.empty() && lines.empty(); }
};
std::vector<Section> report_sections(const ReportModel& model);

// One-line descriptions used as headings and captions.
std::string run_headline(const ReportModel& model);
std::string machine_line(const results::Manifest& manifest);
std::string time_unit_caption(const ReportModel& model);

}  // namespace ftbench::report
