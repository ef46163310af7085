#include "report/analysis_json.h"

#include "report/findings.h"
#include "report/presenter.h"
#include "report/tables.h"
#include "util/json.h"

namespace ftbench::report {
namespace {

using analysis::Quantity;

// This document is the one writer of the analysis types: each helper below is the only place
// its type becomes JSON. Every number is also given as display text ("display" fields) by the
// presenter, which the dashboard shows as is.

void write_interval(json::Writer& w, const analysis::Interval& ci) {
  w.start_object();
  w.field("low", ci.low);
  w.field("high", ci.high);
  w.field("confidence", ci.confidence);
  w.end_object();
}

void write_summary(json::Writer& w, const std::optional<analysis::Summary>& s, Quantity quantity) {
  if (!s) return w.null();
  w.start_object();
  w.field("n", s->n);
  w.field("processes", s->processes);
  w.field("median", s->median);
  w.field("mean", s->mean);
  w.field("stdev", s->stdev);
  w.field("mad", s->mad);
  w.field("min", s->min);
  w.field("max", s->max);
  w.field("q1", s->q1);
  w.field("q3", s->q3);
  w.key("median_ci");
  write_interval(w, s->median_ci);
  w.field("between_process_cv", s->between_process_cv);
  w.field("within_process_cv", s->within_process_cv);
  w.field("outliers", s->outliers);
  w.key("warnings");
  w.start_array();
  for (const auto& warning : s->warnings) {
    w.start_object();
    w.field("kind", warning.kind);
    w.field("value", warning.value);
    w.field("reference", warning.reference);
    w.field("reason", describe_warning(warning, quantity));
    w.end_object();
  }
  w.end_array();
  w.key("display");
  w.start_object();
  w.field("median", format_quantity(s->median, quantity));
  w.field("median_ci", "[" + format_quantity(s->median_ci.low, quantity) + ", " +
                           format_quantity(s->median_ci.high, quantity) + "]");
  w.field("mad", format_quantity(s->mad, quantity));
  w.field("min", format_quantity(s->min, quantity));
  w.field("max", format_quantity(s->max, quantity));
  w.end_object();
  w.end_object();
}

// The fields of a ratio estimate, inside the enclosing comparison object.
void write_ratio_fields(json::Writer& w, const analysis::RatioEstimate& r) {
  w.field("valid", r.valid);
  w.field("ratio", r.ratio);
  w.key("ci");
  write_interval(w, r.ci);
  w.field("hodges_lehmann", r.hodges_lehmann);
  w.field("median_reference", r.median_a);
  w.field("median_subject", r.median_b);
  w.field("n_reference", r.n_a);
  w.field("n_subject", r.n_b);
  w.field("u", r.test.u);
  w.field("z", r.test.z);
  w.field("p_value", r.test.p_value);
  w.field("exact", r.test.exact);
  w.field("min_p_value", r.min_p_value);
  w.field("insufficient", r.insufficient);
  w.field("significant", r.significant);
  w.field("change", r.change);
  w.key("display");
  w.start_object();
  w.field("ratio", describe_time_ratio(r));
  w.field("ci", describe_time_ratio_interval(r));
  w.field("p", r.valid ? format_p_value(r.test.p_value) : "-");
  w.field("verdict", describe_verdict(r));
  w.end_object();
}

void write_geomeans(json::Writer& w, const std::vector<analysis::GroupGeomean>& geomeans) {
  w.key("geomeans");
  w.start_array();
  for (const auto& g : geomeans) {
    w.start_object();
    w.field("kind", g.kind);
    w.field("subject", g.subject);
    w.field("reference", g.reference);
    w.field("group", g.group);
    w.field("threads", g.threads);
    w.field("geomean", g.geomean);
    w.field("benchmarks", g.benchmarks);
    w.field("faster", g.faster);
    w.field("slower", g.slower);
    w.field("not_significant", g.not_significant);
    w.field("insufficient", g.insufficient);
    w.key("display");
    w.start_object();
    w.field("geomean", describe_geomean(g.geomean));
    w.field("counts", std::to_string(g.faster) + " faster, " + std::to_string(g.slower) + " slower, " +
                          std::to_string(g.not_significant) + " " + std::string(kNotSignificant));
    w.end_object();
    w.end_object();
  }
  w.end_array();
}

void write_interpreter(json::Writer& w, const analysis::MeasuredInterpreter& i) {
  const auto& f = i.facts();
  w.start_object();
  w.field("label", i.label());
  w.field("implementation", f.implementation);
  w.field("version", f.version_text);
  w.field("short_name", f.short_name());
  w.field("free_threaded_build", f.free_threaded_build);
  w.field("gil_enabled", i.gil_enabled);
  w.field("baseline", i.baseline());
  w.field("build", i.build_description());
  w.field("executable", f.executable.empty() ? f.path : f.executable);
  w.field("env", i.tested.env);
  w.field("configure_args", f.configure_args);
  w.field("compiler", f.compiler);
  w.end_object();
}

void write_counter(json::Writer& w, const analysis::CounterStats& k) {
  w.start_object();
  w.field("name", k.name);
  w.field("status", k.status);
  w.field("message", k.message);
  w.field("counted_iterations", k.counted_iterations);
  w.field("measured_iterations", k.measured_iterations);
  w.field("mean_running_fraction", k.mean_running_fraction);
  w.field("proxy", k.proxy);
  w.field("note", k.note);
  w.key("per_iteration");
  write_summary(w, k.per_iteration_stats, Quantity::count);
  w.key("per_op");
  write_summary(w, k.per_op_stats, Quantity::count);
  w.end_object();
}

void write_cell_noise(json::Writer& w, const analysis::CellNoise* n) {
  if (!n) return w.null();  // one process: not judged
  w.start_object();
  json::write_fields(w, *n);
  w.key("causes");
  w.start_array();
  for (const auto& c : n->causes) {
    w.start_object();
    json::write_fields(w, c);
    w.field("reason", describe_noise_cause(c));
    w.end_object();
  }
  w.end_array();
  w.key("display");
  w.start_object();
  w.field("noise", describe_cell_noise(*n));
  w.end_object();
  w.end_object();
}

// The noise floor and the stability verdicts, with the lines the text reports print.
void write_noise(json::Writer& w, const ReportModel& model) {
  const auto& n = model.analysis.noise;
  w.key("noise");
  w.start_object();
  w.field("measured", n.measured);
  w.field("floor_cv", n.floor_cv);
  w.field("processes", n.processes);
  w.field("min_detectable_ratio", n.min_detectable_ratio);
  w.field("power", analysis::kNoisePower);
  w.field("processes_to_resolve", n.processes_to_resolve);
  w.field("resolve_target", analysis::kResolveTarget);
  w.field("flag_level", analysis::kFlagLevel);
  w.field("flag_min_multiple", analysis::kFlagMinMultiple);
  w.field("cells_judged", n.cells.size());
  w.field("cells_flagged", n.flagged());
  w.field("cells_unjudged", n.unjudged);
  w.field("interpreters", n.interpreters);
  w.key("display");
  w.start_object();
  w.field("floor", describe_noise_floor(n));
  w.field("stability", stability_summary(model));
  w.field("flagged", noise_lines(model));
  w.field("advice", stability_advice(model));
  w.end_object();
  w.end_object();
}

void write_cell(json::Writer& w, const analysis::Cell& c, const AnalysisJsonOptions& options,
                const analysis::NoiseFloor& noise) {
  w.start_object();
  w.field("benchmark", c.key.benchmark);
  w.field("interpreter", c.key.interpreter);
  w.field("threads", c.key.threads);
  w.field("processes_ok", c.processes_ok);
  w.field("processes_failed", c.processes_failed);
  w.field("ops", c.ops);
  w.field("ops_constant", c.ops_constant);
  w.field("gil_enabled_iterations", c.gil_enabled_iterations);
  w.key("time");
  write_summary(w, c.time_stats, Quantity::duration_ns);
  w.key("time_per_op");
  write_summary(w, c.time_per_op_stats, Quantity::duration_per_op_ns);
  w.key("parallelism");
  write_summary(w, c.parallelism_stats, Quantity::count);
  w.key("start_skew");  // the latest worker's start after the release: how long the release took
  write_summary(w, c.start_skew_stats, Quantity::duration_per_op_ns);
  w.key("noise");  // against the noise floor; time.warnings keeps pyperf's fixed rules
  write_cell_noise(w, noise.find(c.key));
  if (options.include_values) {
    w.key("values");
    w.start_object();
    w.field("time", c.time.values);
    w.field("time_per_op", c.time_per_op.values);
    w.field("time_per_op_process", c.time_per_op.process);
    w.field("time_per_op_units", c.time_per_op.unit_values());
    w.end_object();
  }
  w.key("counters");
  w.start_array();
  for (const auto& k : c.counters) write_counter(w, k);
  w.end_array();
  w.end_object();
}

void write_scaling(json::Writer& w, const analysis::ScalingCurve& s) {
  w.start_object();
  w.field("benchmark", s.benchmark);
  w.field("interpreter", s.interpreter);
  w.field("kind", s.kind);
  w.key("points");
  w.start_array();
  for (const auto& p : s.points) {
    w.start_object();
    w.field("threads", p.threads);
    w.field("speedup", p.speedup);
    w.key("speedup_ci");
    write_interval(w, p.speedup_ci);
    w.field("efficiency", p.efficiency);
    w.key("efficiency_ci");
    write_interval(w, p.efficiency_ci);
    w.field("significant", p.significant);
    w.field("p_value", p.p_value);
    w.field("insufficient", p.insufficient);
    w.field("oversubscribed", p.oversubscribed);
    w.field("suspect", p.suspect);
    w.field("suspect_reason", p.suspect_reason);
    w.key("display");
    w.start_object();
    w.field("speedup", describe_speedup(p));
    w.field("speedup_short", format_ratio(p.speedup, 1));
    w.field("efficiency", format_percent(p.efficiency));
    w.field("verdict", p.insufficient  ? std::string(kInsufficient)
                       : p.significant ? std::string("yes")
                                       : "no (" + std::string(kNotSignificant) + ")");
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_failure(json::Writer& w, const analysis::Failure& f) {
  w.start_object();
  w.field("item_id", f.item_id);
  w.field("interpreter", f.interpreter);
  w.field("benchmark", f.benchmark);
  w.field("threads", f.threads);
  w.field("process_index", f.process_index);
  w.field("reason", f.reason);
  w.field("phase", f.phase ? util::name_string(*f.phase) : std::string());
  w.field("exit", f.exit);
  w.field("detail", f.detail);
  w.end_object();
}

void write_document(json::Writer& w, const ReportModel& model, const AnalysisJsonOptions& options) {
  const auto& m = model.manifest;
  const auto& cells = model.cells();
  w.start_object();
  w.field("schema", "ftbench-analysis");
  w.field("schema_version", kAnalysisSchemaVersion);
  w.field("confidence", analysis::kConfidence);
  w.field("alpha", analysis::kAlpha);

  w.key("run");
  w.start_object();
  w.field("run_id", m.run_id);
  w.field("status", m.status);
  w.field("created_at", m.created_at);
  w.field("finished_at", m.finished_at);
  w.field("config_name", m.config_name);
  w.field("config_file", m.config_file);
  w.field("command_line", m.command_line);
  w.field("tool_version", m.tool_version);
  w.field("git_revision", m.git_revision);
  w.field("seed", m.plan.seed);
  w.field("size", m.plan.size);
  w.field("warmups", m.plan.repetitions.warmups);
  w.field("iterations", m.plan.repetitions.iterations);
  w.field("threads", cells.threads);
  w.field("affinity", m.affinity.mode);
  w.field("usable_cpus", model.analysis.usable_cpus);
  w.key("events");
  w.start_array();
  for (const auto& e : m.plan.events) w.string(e.name);
  w.end_array();
  w.end_object();

  w.field("machine", m.machine);

  w.key("counts");
  w.start_object();
  w.field("planned", cells.counts.planned);
  w.field("finished", cells.counts.finished);
  w.field("failed", cells.counts.failed);
  w.end_object();

  w.key("interpreters");
  w.start_array();
  for (const auto& i : cells.interpreters) write_interpreter(w, i);
  w.end_array();

  w.key("benchmarks");
  w.start_array();
  for (const auto& b : cells.benchmarks) {
    w.start_object();
    w.field("id", b.id);
    w.field("group", b.group());
    w.field("scaling", b.scaling);
    w.field("op_name", b.op_name);
    w.field("summary", b.summary);
    w.field("tags", b.tags);
    w.end_object();
  }
  w.end_array();

  write_noise(w, model);

  w.key("cells");
  w.start_array();
  for (const auto& c : cells.cells) write_cell(w, c, options, model.analysis.noise);
  w.end_array();

  const auto& cmp = model.comparisons();
  w.key("pairs");
  w.start_array();
  for (const auto& p : cmp.pairs) {
    w.start_object();
    w.field("kind", p.kind);
    w.field("subject", p.subject);
    w.field("reference", p.reference);
    w.field("title", p.title);
    w.field("flags_differ", p.flags_differ);
    w.key("display");
    w.start_object();
    w.field("flags", describe_flags(p.flags_differ));
    w.end_object();
    w.end_object();
  }
  w.end_array();

  w.key("comparisons");
  w.start_array();
  for (const auto& c : cmp.rows) {
    w.start_object();
    w.field("kind", c.kind);
    w.field("subject", c.subject);
    w.field("reference", c.reference);
    w.field("benchmark", c.benchmark);
    w.field("threads", c.threads);
    w.field("metric", c.metric);
    write_ratio_fields(w, c.time);
    w.end_object();
  }
  w.end_array();

  w.key("scaling");
  w.start_array();
  for (const auto& s : cmp.scaling) write_scaling(w, s);
  w.end_array();

  w.key("workload_pairs");
  w.start_array();
  for (const auto& p : cmp.workload_pairs) {
    w.start_object();
    w.field("pair", p.pair);
    w.field("subject", p.subject);
    w.field("reference", p.reference);
    w.field("interpreter", p.interpreter);
    w.field("threads", p.threads);
    w.field("metric", p.metric);
    write_ratio_fields(w, p.time);
    w.field("expected", p.expected);
    w.field("agreement", p.agreement);
    w.field("agreement_text", describe_agreement(p.agreement, p.expected));
    w.end_object();
  }
  w.end_array();

  w.key("latency");
  w.start_array();
  for (const auto& curve : cmp.latency) {
    w.start_object();
    w.field("benchmark", curve.benchmark);
    w.field("interpreter", curve.interpreter);
    w.key("points");
    w.start_array();
    for (const auto& p : curve.points) {
      w.start_object();
      w.field("threads", p.threads);
      w.field("latency_ns", p.latency_ns);
      w.key("latency_ci");
      write_interval(w, p.latency_ci);
      w.field("throughput_per_s", p.throughput_per_s);
      w.field("other_cpu_ns_per_op", p.other_cpu_ns_per_op);
      w.key("display");
      w.start_object();
      w.field("latency", format_duration_ns(p.latency_ns));
      w.field("latency_ci", "[" + format_duration_ns(p.latency_ci.low) + ", " + format_duration_ns(p.latency_ci.high) + "]");
      w.field("throughput", format_count(p.throughput_per_s) + "/s");
      w.field("other_cpu", p.other_cpu_ns_per_op ? format_duration_ns(*p.other_cpu_ns_per_op) : "-");
      w.end_object();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();

  write_geomeans(w, cmp.geomeans);

  w.key("failures");
  w.start_array();
  for (const auto& f : cells.failures) write_failure(w, f);
  w.end_array();

  w.field("notes", cells.notes);
  w.field("findings", key_findings(model));
  w.end_object();
}

}  // namespace

std::string analysis_json(const ReportModel& model, const AnalysisJsonOptions& options) {
  json::Writer w(options.pretty ? json::Writer::Style::pretty : json::Writer::Style::compact);
  write_document(w, model, options);
  return w.str() + "\n";
}

std::string run_comparison_json(const analysis::RunComparison& comparison) {
  json::Writer w;
  w.start_object();
  w.field("schema", "ftbench-run-comparison");
  w.field("schema_version", kAnalysisSchemaVersion);
  w.field("run_a", comparison.run_a);
  w.field("run_b", comparison.run_b);
  w.key("rows");
  w.start_array();
  for (const auto& r : comparison.rows) {
    w.start_object();
    w.field("interpreter", r.interpreter);
    w.field("benchmark", r.benchmark);
    w.field("threads", r.threads);
    w.field("metric", r.metric);
    write_ratio_fields(w, r.time);
    w.field("note", r.note);
    w.end_object();
  }
  w.end_array();
  write_geomeans(w, comparison.geomeans);
  w.field("notes", comparison.notes);
  w.end_object();
  return w.str() + "\n";
}

}  // namespace ftbench::report
