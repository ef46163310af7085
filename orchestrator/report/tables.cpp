#include "report/tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "util/strings.h"

namespace ftbench::report {

using analysis::Cell;
using analysis::PairKind;
using analysis::Quantity;
using analysis::Summary;
using Align = TextTable::Align;

namespace {

std::string threads_list(const std::vector<int>& threads) {
  std::string out;
  for (int t : threads) out += (out.empty() ? "" : ",") + std::to_string(t);
  return out;
}

// The time the summary shows: per operation where known.
const Summary* headline_stats(const Cell& c) {
  if (c.time_per_op_stats) return &*c.time_per_op_stats;
  if (c.time_stats) return &*c.time_stats;
  return nullptr;
}

std::string cell_time(const ReportModel& model, const Cell* c) {
  if (!c) return "-";
  const auto* s = headline_stats(*c);
  if (!s) return c->processes_failed ? "failed" : "-";
  std::string out = format_duration_ns(s->median);
  // Marked only when noisier than the machine's own floor: a mark on every cell marks none.
  if (const auto* noise = model.analysis.noise.find(c->key); noise && noise->flagged) out += " !";
  return out;
}

std::string interpreter_heading(const analysis::MeasuredInterpreter& i) {
  const bool says_it = i.label().find("baseline") != std::string::npos;
  return i.label() + (i.baseline() && !says_it ? " (baseline)" : "");
}


}  // namespace

std::string run_headline(const ReportModel& model) {
  const auto& m = model.manifest;
  const auto& c = model.cells();
  return "Run " + m.run_id + " (" + util::name_string(m.status) + "): " + std::to_string(c.counts.finished) + " of " +
         std::to_string(c.counts.planned) + " processes finished, " + std::to_string(c.counts.failed) + " failed; " +
         std::to_string(c.interpreters.size()) + " interpreters x " + std::to_string(c.benchmarks.size()) +
         " benchmarks x threads " + threads_list(c.threads);
}

std::string machine_line(const results::Manifest& manifest) {
  const auto& mi = manifest.machine;
  std::string out = (mi.hostname.empty() ? "machine" : mi.hostname) + ": " +
                    (mi.cpu_model.empty() ? "unknown CPU" : mi.cpu_model) + ", " + std::to_string(mi.logical_cpus) +
                    " logical CPUs (" + std::to_string(mi.physical_cores) + " cores" + (mi.smt ? ", SMT" : "") + "), " +
                    std::to_string(mi.usable_cpus.size()) + " usable";
  if (mi.governor) out += ", governor " + *mi.governor;
  if (mi.turbo) out += ", turbo " + *mi.turbo;
  if (!mi.kernel_release.empty()) out += ", Linux " + mi.kernel_release;
  out += ", PMU " + (mi.pmu.empty() ? std::string("none") : mi.pmu);
  return out;
}

std::string time_unit_caption(const ReportModel& model) {
  return "Median time per operation (per iteration where a workload reports no operation count); \"!\" = noisier "
         "than the machine's noise floor (see Stability). Ratios: interpreter / " +
         interpreter_heading(model.baseline()) +
         " medians; Mann-Whitney U test at 5%: \"slower\"/\"faster\" are significant, \"(n.s.)\" is not.";
}

TextTable time_table(const ReportModel& model) {
  const auto& cells = model.cells();
  const auto& base = model.baseline();
  std::vector<std::string> headers{"benchmark", "threads"};
  std::vector<Align> align{Align::left, Align::right};
  for (const auto& i : cells.interpreters) {
    headers.push_back(interpreter_heading(i));
    align.push_back(Align::right);
    if (!i.baseline()) {
      const auto* pair = model.comparisons().pair(PairKind::versus_baseline, i.label());
      headers.push_back("vs " + base.label() + (pair && !pair->flags_differ.empty() ? " (" + std::string(kFlagsDiffer) + ")" : ""));
      align.push_back(Align::left);
    }
  }
  TextTable table(headers, align);
  for (const auto& b : cells.benchmarks) {
    bool first = true;
    for (int t : cells.threads) {
      bool any = std::any_of(cells.interpreters.begin(), cells.interpreters.end(),
                             [&](auto& i) { return cells.find(b.id, i.label(), t) != nullptr; });
      if (!any) continue;
      std::vector<std::string> row{first ? b.id : "", std::to_string(t)};
      first = false;
      for (const auto& i : cells.interpreters) {
        row.push_back(cell_time(model, cells.find(b.id, i.label(), t)));
        if (!i.baseline()) {
          const auto* c = model.comparisons().find(PairKind::versus_baseline, i.label(), b.id, t);
          row.push_back(c ? describe_time_ratio(c->time) : "-");
        }
      }
      table.add_row(std::move(row));
    }
  }
  return table;
}

TextTable pair_table(const ReportModel& model, PairKind kind) {
  TextTable table({"benchmark", "threads", "comparison", "ratio", "95% CI", "p"},
                  {Align::left, Align::right, Align::left, Align::left, Align::left, Align::right});
  for (const auto& c : model.comparisons().rows) {
    if (c.kind != kind) continue;
    const auto* pair = model.comparisons().pair(kind, c.subject);
    const bool flags = pair && !pair->flags_differ.empty();
    table.add_row({c.benchmark, std::to_string(c.threads),
                   c.subject + " / " + c.reference + (flags ? " (" + std::string(kFlagsDiffer) + ")" : ""),
                   describe_time_ratio(c.time), describe_time_ratio_interval(c.time),
                   c.time.valid ? format_p_value(c.time.test.p_value) : "-"});
  }
  return table;
}

TextTable workload_pair_table(const ReportModel& model) {
  TextTable table({"pair", "interpreter", "threads", "subject / reference", "ratio", "95% CI", "p", "expected"},
                  {Align::left, Align::left, Align::right, Align::left, Align::left, Align::left, Align::right,
                   Align::left});
  for (const auto& w : model.comparisons().workload_pairs)
    table.add_row({w.pair, w.interpreter, std::to_string(w.threads), w.subject + " / " + w.reference,
                   describe_time_ratio(w.time), describe_time_ratio_interval(w.time),
                   w.time.valid ? format_p_value(w.time.test.p_value) : "-", describe_agreement(w.agreement, w.expected)});
  return table;
}

TextTable latency_table(const ReportModel& model) {
  TextTable table({"benchmark", "interpreter", "threads", "latency per op", "95% CI", "throughput", "other CPU per op"},
                  {Align::left, Align::left, Align::right, Align::right, Align::left, Align::right, Align::right});
  for (const auto& curve : model.comparisons().latency)
    for (const auto& p : curve.points)
      table.add_row({curve.benchmark, curve.interpreter, std::to_string(p.threads), format_duration_ns(p.latency_ns),
                     "[" + format_duration_ns(p.latency_ci.low) + ", " + format_duration_ns(p.latency_ci.high) + "]",
                     format_count(p.throughput_per_s) + "/s",
                     p.other_cpu_ns_per_op ? format_duration_ns(*p.other_cpu_ns_per_op) : "-"});
  return table;
}

std::vector<std::string> build_flag_notes(const ReportModel& model) {
  std::vector<std::string> lines;
  for (const auto& p : model.comparisons().pairs)
    if (!p.flags_differ.empty())
      lines.push_back(p.subject + " vs " + p.reference + ": " + describe_flags(p.flags_differ) +
                      " (beyond --disable-gil and the prefix): its ratios mix the comparison with a build difference");
  return lines;
}

// A free-threaded version without a default build of its own was compared with the nearest
// default build its config query chose (recorded in the plan): the reader must see it.
std::vector<std::string> stand_in_lines(const ReportModel& model) {
  std::vector<std::string> lines;
  for (const auto& p : model.comparisons().pairs)
    if (p.kind == PairKind::free_threading && !p.stand_in_for.empty()) lines.push_back(p.title);
  return lines;
}

std::vector<std::string> suspect_scaling_lines(const ReportModel& model) {
  std::vector<std::string> lines;
  for (const auto& curve : model.comparisons().scaling)
    for (const auto& p : curve.points)
      if (p.suspect)
        lines.push_back(curve.benchmark + " on " + curve.interpreter + " at " + std::to_string(p.threads) +
                        " threads: " + format_percent(p.efficiency) + " efficiency is suspect: " + p.suspect_reason);
  return lines;
}

TextTable scaling_table(const ReportModel& model) {
  std::vector<int> counts;
  for (int t : model.cells().threads)
    if (t != 1) counts.push_back(t);
  std::vector<std::string> headers{"benchmark", "scaling", "interpreter"};
  std::vector<Align> align{Align::left, Align::left, Align::left};
  for (int t : counts) {
    headers.push_back(std::to_string(t) + " threads");
    align.push_back(Align::right);
  }
  TextTable table(headers, align);
  std::string last;
  for (const auto& curve : model.comparisons().scaling) {
    std::vector<std::string> row{curve.benchmark == last ? "" : curve.benchmark,
                                 curve.benchmark == last ? "" : util::name_string(curve.kind), curve.interpreter};
    last = curve.benchmark;
    for (int t : counts) {
      const auto* p = curve.at(t);
      row.push_back(p ? describe_speedup(*p) : "-");
    }
    table.add_row(std::move(row));
  }
  return table;
}

TextTable geomean_table(const std::vector<analysis::GroupGeomean>& geomeans, bool run_comparison) {
  // Pivot: one row per (comparison, group), one column per thread count.
  std::vector<int> threads;
  for (const auto& g : geomeans)
    if (std::find(threads.begin(), threads.end(), g.threads) == threads.end()) threads.push_back(g.threads);
  std::sort(threads.begin(), threads.end());
  std::vector<std::string> headers{"comparison", "group"};
  std::vector<Align> align{Align::left, Align::left};
  for (int t : threads) {
    headers.push_back(std::to_string(t) + (t == 1 ? " thread" : " threads"));
    align.push_back(Align::left);
  }
  TextTable table(headers, align);
  std::vector<std::pair<std::string, std::string>> rows;  // (comparison, group) in first-seen order
  auto name = [&](const analysis::GroupGeomean& g) {
    return run_comparison ? g.subject + ": B / A" : g.subject + " / " + g.reference;
  };
  for (const auto& g : geomeans) {
    std::pair<std::string, std::string> key{name(g), g.group};
    if (std::find(rows.begin(), rows.end(), key) == rows.end()) rows.push_back(key);
  }
  for (const auto& [comparison, group] : rows) {
    std::vector<std::string> row{comparison, group};
    for (int t : threads) {
      std::string cell = "-";
      for (const auto& g : geomeans)
        if (name(g) == comparison && g.group == group && g.threads == t) {
          std::string counts;
          auto add = [&](size_t n, const char* what) {
            if (n) counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + what;
          };
          add(g.faster, "faster");
          add(g.slower, "slower");
          add(g.not_significant, "n.s.");
          cell = format_ratio(g.geomean) + (counts.empty() ? "" : " (" + counts + ")");
        }
      row.push_back(cell);
    }
    table.add_row(std::move(row));
  }
  return table;
}

TextTable counter_table(const ReportModel& model) {
  const auto& cells = model.cells();
  std::vector<std::string> headers{"counter", "benchmark", "threads"};
  std::vector<Align> align{Align::left, Align::left, Align::right};
  for (const auto& i : cells.interpreters) {
    headers.push_back(i.label());
    align.push_back(Align::right);
  }
  TextTable table(headers, align);
  for (const auto& name : cells.counter_names()) {
    for (const auto& b : cells.benchmarks)
      for (int t : cells.threads) {
        std::vector<std::string> row{name, b.id, std::to_string(t)};
        bool any_counted = false, any_cell = false;
        for (const auto& i : cells.interpreters) {
          const auto* cell = cells.find(b.id, i.label(), t);
          const auto* k = cell ? cell->counter(name) : nullptr;
          if (!k) {
            row.push_back("-");
            continue;
          }
          any_cell = true;
          if (k->per_op_stats) {
            row.push_back(format_count(k->per_op_stats->median) + "/op");
            any_counted = true;
          } else if (k->per_iteration_stats) {
            row.push_back(format_count(k->per_iteration_stats->median) + "/iter");
            any_counted = true;
          } else {
            row.push_back(util::name_string(k->status));
          }
        }
        if (any_cell && any_counted) table.add_row(std::move(row));
      }
  }
  return table;
}

std::vector<std::string> counter_notes(const ReportModel& model) {
  // counter -> status -> (cells, message)
  struct Seen {
    size_t cells = 0;
    std::string message;
  };
  std::map<std::string, std::map<perf::Status, Seen>> seen;
  std::map<std::string, size_t> cells_with;
  std::map<std::string, bool> multiplexed;
  for (const auto& c : model.cells().cells)
    for (const auto& k : c.counters) {
      ++cells_with[k.name];
      if (k.counted() && k.mean_running_fraction < 0.999) multiplexed[k.name] = true;
      if (k.counted()) continue;
      auto& s = seen[k.name][k.status];
      ++s.cells;
      if (s.message.empty()) s.message = k.message;
    }
  std::vector<std::string> lines;
  for (const auto& name : model.cells().counter_names()) {
    for (const auto& [status, s] : seen[name])
      lines.push_back(name + ": " + util::name_string(status) + " in " +
                      (s.cells == cells_with[name] ? std::string("every cell") : std::to_string(s.cells) + " cells") +
                      (s.message.empty() ? "" : ": " + s.message));
    if (multiplexed[name])
      lines.push_back(name + ": multiplexed (the PMU was shared): values are scaled estimates");
  }
  return lines;
}

TextTable failure_table(const ReportModel& model) {
  TextTable table({"interpreter", "benchmark", "threads", "process", "reason", "detail"},
                  {Align::left, Align::left, Align::right, Align::right, Align::left, Align::left});
  for (const auto& f : model.cells().failures)
    table.add_row({f.interpreter, f.benchmark, std::to_string(f.threads), std::to_string(f.process_index), f.reason,
                   f.detail});
  return table;
}

std::vector<std::string> stability_lines(const ReportModel& model) {
  std::vector<std::string> lines;
  for (const auto& c : model.cells().cells) {
    if (!c.time_stats || !c.time_stats->unstable()) continue;
    std::string line = c.key.benchmark + " " + c.key.interpreter + " threads=" + std::to_string(c.key.threads) + ": ";
    bool first = true;
    for (const auto& w : c.time_stats->warnings) {
      line += (first ? "" : "; ") + describe_warning(w, analysis::Quantity::duration_ns);
      first = false;
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> noise_lines(const ReportModel& model) {
  std::vector<std::string> lines;
  for (const auto& c : model.analysis.noise.cells)
    if (c.flagged)
      lines.push_back(c.key.benchmark + " " + c.key.interpreter + " threads=" + std::to_string(c.key.threads) + ": " +
                      describe_cell_noise(c));
  return lines;
}

std::string stability_summary(const ReportModel& model) {
  const auto& noise = model.analysis.noise;
  size_t pyperf = 0, total = 0;
  for (const auto& c : model.cells().cells) {
    if (!c.time_stats) continue;
    ++total;
    if (c.time_stats->unstable()) ++pyperf;
  }
  const std::string raw = "pyperf's fixed rules warn on " + std::to_string(pyperf) + " of " + std::to_string(total) +
                          " (listed in summary.md and analysis.json)";
  if (!noise.measured) return "Stability: not judged (no cell has two processes); " + raw + ".";
  std::string out = "Stability: ";
  const size_t flagged = noise.flagged();
  if (flagged == 0) {
    out += "no cell is noisier than the noise floor (" + std::to_string(noise.cells.size()) + " judged)";
  } else {
    out += std::to_string(flagged) + " of " + std::to_string(noise.cells.size()) + " cells " +
           (flagged == 1 ? "is" : "are") + " noisier than the noise floor (\"!\")";
    std::map<analysis::NoiseCause, size_t> by_cause;
    size_t unexplained = 0;
    for (const auto& c : noise.cells) {
      if (!c.flagged) continue;
      if (c.causes.empty()) ++unexplained;
      for (const auto& k : c.causes) ++by_cause[k.kind];
    }
    std::string causes;
    for (const auto& [kind, n] : by_cause) causes += (causes.empty() ? "" : ", ") + util::name_string(kind) + " " + std::to_string(n);
    if (unexplained) causes += (causes.empty() ? "" : ", ") + std::string("no cause found ") + std::to_string(unexplained);
    out += " (" + causes + ")";
  }
  if (noise.unjudged) out += "; " + std::to_string(noise.unjudged) + " with one process not judged";
  return out + "; " + raw + ".";
}

std::vector<std::string> stability_advice(const ReportModel& model) {
  const auto& noise = model.analysis.noise;
  std::vector<std::string> out;
  if (!noise.measured) return out;
  // A tuned, quiet benchmark box shows about 1 % between processes; a shared VM 5-10 %.
  if (noise.floor_cv > 0.02) {
    const auto& check = model.manifest.machine.system_check;
    std::vector<std::string> fixes;
    if (check)
      for (const auto& item : check->items)
        if (item.status == os::CheckStatus::warning) fixes.push_back(item.name + ": " + item.fix);
    if (fixes.empty())
      out.push_back("lower the floor on this machine: `orchestrate doctor` shows what to change (governor, turbo, "
                    "isolated CPUs, busy processes; `sudo orchestrate doctor --tune` applies the reversible ones)");
    else
      out.push_back("lower the floor: " + util::join(fixes, "; ") + " (from the system check when the run started)");
  }
  const bool coarse = !noise.min_detectable_ratio || *noise.min_detectable_ratio > analysis::kResolveTarget;
  if (coarse) {
    std::string more = "resolve smaller differences with more processes: `--repetitions N` (exactly N a cell)";
    if (noise.processes_to_resolve)
      more += fmt::format(", about {} per side for {}", *noise.processes_to_resolve, format_ratio(analysis::kResolveTarget));
    if (!model.manifest.plan.repetitions.target_rel_ci)
      more += ", or `repetitions.target_rel_ci: 0.02` to add processes where the intervals are wide";
    out.push_back(more);
  }
  if (noise.flagged() > 0)
    out.push_back("flagged cells: their numbers rest on a few processes that disagree; re-run them or add processes so "
                  "that one odd process weighs less");
  return out;
}

TextTable run_comparison_rows(const analysis::RunComparison& comparison) {
  TextTable table({"interpreter", "benchmark", "threads", "A", "B", "B / A", "95% CI", "p", "note"},
                  {Align::left, Align::left, Align::right, Align::right, Align::right, Align::left, Align::left,
                   Align::right, Align::left});
  for (const auto& r : comparison.rows) {
    const auto unit = r.metric == analysis::TimeMetric::per_op ? Quantity::duration_per_op_ns : Quantity::duration_ns;
    table.add_row({r.interpreter, r.benchmark, std::to_string(r.threads),
                   r.time.valid ? format_quantity(r.time.median_a, unit) : "-",
                   r.time.valid ? format_quantity(r.time.median_b, unit) : "-", describe_time_ratio(r.time),
                   describe_time_ratio_interval(r.time),
                   r.time.valid ? format_p_value(r.time.test.p_value) : "-", r.note});
  }
  return table;
}

std::vector<Section> report_sections(const ReportModel& model) {
  std::vector<Section> out;
  auto add = [&](std::string title, std::string caption, TextTable table, std::vector<std::string> lines = {},
                 bool detailed_only = false) {
    out.push_back({std::move(title), std::move(caption), std::move(table), std::move(lines), detailed_only});
  };
  add("Time per operation", time_unit_caption(model), time_table(model), build_flag_notes(model));
  add("Free-threaded build vs default build (same version)",
      "ratio = time of the free-threaded build (GIL off) / the default build; above 1: free-threading costs time at "
      "that thread count. 95% interval of the ratio, Mann-Whitney p over processes.",
      pair_table(model, PairKind::free_threading), stand_in_lines(model));
  add("The free-threaded binary with PYTHON_GIL=1 vs the same binary without",
      "ratio = time with the GIL switched back on / off: the same binary, so the difference is the GIL alone.",
      pair_table(model, PairKind::gil_switch));
  add("Workload pairs",
      "Each suite pair compared within one interpreter and thread count: subject / reference time per operation, "
      "and whether that agrees with the workload's docstring (Expected). \"equal\" is judged with a 10% margin.",
      workload_pair_table(model));
  add("Scaling: speedup over 1 thread (efficiency)",
      "strong: T(1)/T(N), efficiency = speedup/N; weak: N*T(1)/T(N), efficiency = T(1)/T(N); ideal = N and 100%; "
      "n.s. = not different from 1 thread; ^ = more threads than usable CPUs; suspect = above what the model "
      "allows (why: below)",
      scaling_table(model), suspect_scaling_lines(model));
  add("Latency and throughput",
      "Benchmarks whose result is each operation's latency (no scaling efficiency): latency per operation (median "
      "over processes, 95% interval), operations per second, and the CPU spent outside the workers' bodies per "
      "operation (task-clock minus the workers' CPU: the threads the workload starts)",
      latency_table(model));
  std::vector<analysis::GroupGeomean> all;
  for (const auto& g : model.comparisons().geomeans)
    if (g.group == "all") all.push_back(g);
  add("Geometric mean of time ratios over all benchmarks",
      "counts: benchmarks significantly faster / slower / not significant", geomean_table(all));
  add("Geometric means by suite group", "Geometric mean of the time ratios over the group's benchmarks.",
      geomean_table(model.comparisons().geomeans), {}, true);
  add("Counters per operation",
      "Median per operation (per iteration where operations are unknown) over iterations in which the counter was "
      "counted. A status instead of a number: the counter was not available (see the notes), not zero.",
      counter_table(model), counter_notes(model), true);
  add("Failed processes (excluded from every statistic)", "", failure_table(model), {}, true);
  return out;
}

}  // namespace ftbench::report
