#include "report/analysis_json.h"

#include <cmath>

#include "report/findings.h"
#include "util/json.h"

namespace ftbench::report {
namespace {

using analysis::Interval;
using analysis::Summary;

// JSON has no NaN or infinity: a value that is not finite is written as null.
template <class W>
void number(W& w, const char* key, double v) {
  w.Key(key);
  if (std::isfinite(v)) w.Double(v);
  else w.Null();
}

template <class W>
void write_interval(W& w, const char* key, const Interval& ci) {
  w.Key(key);
  w.StartObject();
  number(w, "low", ci.low);
  number(w, "high", ci.high);
  number(w, "confidence", ci.confidence);
  w.EndObject();
}

template <class W>
void write_summary(W& w, const char* key, const std::optional<Summary>& s) {
  w.Key(key);
  if (!s) {
    w.Null();
    return;
  }
  w.StartObject();
  util::put(w, "n", static_cast<uint64_t>(s->n));
  util::put(w, "processes", static_cast<uint64_t>(s->processes));
  number(w, "median", s->median);
  number(w, "mean", s->mean);
  number(w, "stdev", s->stdev);
  number(w, "mad", s->mad);
  number(w, "min", s->min);
  number(w, "max", s->max);
  number(w, "q1", s->q1);
  number(w, "q3", s->q3);
  write_interval(w, "median_ci", s->median_ci);
  w.Key("outliers");
  w.StartArray();
  for (size_t i : s->outliers) w.Uint64(i);
  w.EndArray();
  w.Key("warnings");
  w.StartArray();
  for (const auto& warning : s->warnings) {
    w.StartObject();
    util::put(w, "kind", analysis::to_string(warning.kind));
    util::put(w, "reason", warning.reason);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

template <class W>
void write_values(W& w, const char* key, const analysis::Sample& s) {
  w.Key(key);
  w.StartArray();
  for (double v : s.values) {
    if (std::isfinite(v)) w.Double(v);
    else w.Null();
  }
  w.EndArray();
}

template <class W>
void write_ratio(W& w, const analysis::RatioEstimate& r) {
  util::put(w, "valid", r.valid);
  number(w, "ratio", r.ratio);
  write_interval(w, "ci", r.ci);
  number(w, "hodges_lehmann", r.hodges_lehmann);
  number(w, "median_reference", r.median_a);
  number(w, "median_subject", r.median_b);
  util::put(w, "n_reference", static_cast<uint64_t>(r.n_a));
  util::put(w, "n_subject", static_cast<uint64_t>(r.n_b));
  number(w, "u", r.test.u);
  number(w, "z", r.test.z);
  number(w, "p_value", r.test.p_value);
  util::put(w, "exact", r.test.exact);
  util::put(w, "significant", r.significant);
  util::put(w, "change", analysis::to_string(r.change));
}

template <class W>
void write_geomeans(W& w, const std::vector<analysis::GroupGeomean>& geomeans) {
  w.Key("geomeans");
  w.StartArray();
  for (const auto& g : geomeans) {
    w.StartObject();
    util::put(w, "kind", analysis::to_string(g.kind));
    util::put(w, "subject", g.subject);
    util::put(w, "reference", g.reference);
    util::put(w, "group", g.group);
    util::put(w, "threads", g.threads);
    number(w, "geomean", g.geomean);
    util::put(w, "benchmarks", static_cast<uint64_t>(g.benchmarks));
    util::put(w, "faster", static_cast<uint64_t>(g.faster));
    util::put(w, "slower", static_cast<uint64_t>(g.slower));
    util::put(w, "not_significant", static_cast<uint64_t>(g.not_significant));
    w.EndObject();
  }
  w.EndArray();
}

template <class W>
void write_document(W& w, const ReportModel& model, const AnalysisJsonOptions& options) {
  const auto& m = model.manifest;
  const auto& cells = model.cells();
  const auto& mi = m.machine;
  w.StartObject();
  util::put(w, "schema", "ftbench-analysis");
  util::put(w, "schema_version", kAnalysisSchemaVersion);
  number(w, "confidence", analysis::kConfidence);
  number(w, "alpha", analysis::kAlpha);

  w.Key("run");
  w.StartObject();
  util::put(w, "run_id", m.run_id);
  util::put(w, "status", m.status);
  util::put(w, "created_at", m.created_at);
  util::put(w, "finished_at", m.finished_at);
  util::put(w, "config_name", m.config_name);
  util::put(w, "config_file", m.config_file);
  util::put(w, "command_line", m.command_line);
  util::put(w, "tool_version", m.tool_version);
  util::put(w, "git_revision", m.git_revision);
  util::put(w, "seed", m.plan.seed);
  util::put(w, "size", m.plan.size);
  util::put(w, "warmups", m.plan.warmups);
  util::put(w, "iterations", m.plan.iterations);
  util::put(w, "threads", cells.threads);
  util::put(w, "affinity", config::to_string(m.affinity.mode));
  util::put(w, "usable_cpus", model.analysis.usable_cpus);
  w.Key("events");
  w.StartArray();
  for (const auto& e : m.plan.events) w.String(e.name.c_str(), static_cast<rapidjson::SizeType>(e.name.size()));
  w.EndArray();
  w.EndObject();

  w.Key("machine");
  w.StartObject();
  util::put(w, "hostname", mi.hostname);
  util::put(w, "cpu_model", mi.cpu_model);
  util::put(w, "architecture", mi.architecture);
  util::put(w, "logical_cpus", mi.logical_cpus);
  util::put(w, "physical_cores", mi.physical_cores);
  util::put(w, "smt", mi.smt);
  util::put(w, "usable_cpus", mi.usable_cpus);
  util::put(w, "kernel_release", mi.kernel_release);
  util::put(w, "pmu", mi.pmu);
  util::put(w, "governor", mi.governor);
  util::put(w, "turbo", mi.turbo);
  util::put(w, "perf_event_paranoid", mi.perf_event_paranoid);
  util::put(w, "aslr", mi.aslr);
  util::put(w, "load_average", mi.load_average);
  util::put(w, "memory_total_kb", static_cast<int64_t>(mi.memory_total_kb));
  w.EndObject();

  w.Key("counts");
  w.StartObject();
  util::put(w, "planned", static_cast<uint64_t>(cells.counts.planned));
  util::put(w, "finished", static_cast<uint64_t>(cells.counts.finished));
  util::put(w, "failed", static_cast<uint64_t>(cells.counts.failed));
  w.EndObject();

  w.Key("interpreters");
  w.StartArray();
  for (const auto& i : cells.interpreters) {
    w.StartObject();
    util::put(w, "label", i.label);
    util::put(w, "implementation", i.implementation);
    util::put(w, "version", i.version);
    util::put(w, "short_name", i.short_name);
    util::put(w, "free_threaded_build", i.free_threaded_build);
    util::put(w, "gil_enabled", i.gil_enabled);
    util::put(w, "baseline", i.baseline);
    util::put(w, "build", i.build_description());
    util::put(w, "executable", i.executable);
    w.Key("env");
    w.StartObject();
    for (const auto& [k, v] : i.env) util::put(w, k.c_str(), v);
    w.EndObject();
    util::put(w, "configure_args", i.configure_args);
    util::put(w, "compiler", i.compiler);
    w.EndObject();
  }
  w.EndArray();

  w.Key("benchmarks");
  w.StartArray();
  for (const auto& b : cells.benchmarks) {
    w.StartObject();
    util::put(w, "id", b.id);
    util::put(w, "group", b.group);
    util::put(w, "scaling", b.scaling);
    util::put(w, "op_name", b.op_name);
    util::put(w, "summary", b.summary);
    util::put(w, "tags", b.tags);
    w.EndObject();
  }
  w.EndArray();

  w.Key("cells");
  w.StartArray();
  for (const auto& c : cells.cells) {
    w.StartObject();
    util::put(w, "benchmark", c.key.benchmark);
    util::put(w, "interpreter", c.key.interpreter);
    util::put(w, "threads", c.key.threads);
    util::put(w, "processes_ok", static_cast<uint64_t>(c.processes_ok));
    util::put(w, "processes_failed", static_cast<uint64_t>(c.processes_failed));
    util::put(w, "ops", c.ops);
    util::put(w, "ops_constant", c.ops_constant);
    util::put(w, "gil_enabled_iterations", static_cast<uint64_t>(c.gil_enabled_iterations));
    write_summary(w, "time", c.time_stats);
    write_summary(w, "time_per_op", c.time_per_op_stats);
    write_summary(w, "parallelism", c.parallelism_stats);
    if (options.include_values) {
      w.Key("values");
      w.StartObject();
      write_values(w, "time", c.time);
      write_values(w, "time_per_op", c.time_per_op);
      w.EndObject();
    }
    w.Key("counters");
    w.StartArray();
    for (const auto& k : c.counters) {
      w.StartObject();
      util::put(w, "name", k.name);
      util::put(w, "status", k.status);
      util::put(w, "message", k.message);
      util::put(w, "counted_iterations", static_cast<uint64_t>(k.counted_iterations));
      util::put(w, "measured_iterations", static_cast<uint64_t>(k.measured_iterations));
      number(w, "mean_running_fraction", k.mean_running_fraction);
      util::put(w, "proxy", k.proxy);
      util::put(w, "note", k.note);
      write_summary(w, "per_iteration", k.per_iteration_stats);
      write_summary(w, "per_op", k.per_op_stats);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  const auto& cmp = model.comparisons();
  w.Key("pairs");
  w.StartArray();
  for (const auto& p : cmp.pairs) {
    w.StartObject();
    util::put(w, "kind", analysis::to_string(p.kind));
    util::put(w, "subject", p.subject);
    util::put(w, "reference", p.reference);
    util::put(w, "title", p.title);
    w.EndObject();
  }
  w.EndArray();

  w.Key("comparisons");
  w.StartArray();
  for (const auto& c : cmp.rows) {
    w.StartObject();
    util::put(w, "kind", analysis::to_string(c.kind));
    util::put(w, "subject", c.subject);
    util::put(w, "reference", c.reference);
    util::put(w, "benchmark", c.benchmark);
    util::put(w, "threads", c.threads);
    util::put(w, "metric", analysis::to_string(c.metric));
    write_ratio(w, c.time);
    w.EndObject();
  }
  w.EndArray();

  w.Key("scaling");
  w.StartArray();
  for (const auto& s : cmp.scaling) {
    w.StartObject();
    util::put(w, "benchmark", s.benchmark);
    util::put(w, "interpreter", s.interpreter);
    util::put(w, "kind", analysis::to_string(s.kind));
    w.Key("points");
    w.StartArray();
    for (const auto& p : s.points) {
      w.StartObject();
      util::put(w, "threads", p.threads);
      number(w, "speedup", p.speedup);
      write_interval(w, "speedup_ci", p.speedup_ci);
      number(w, "efficiency", p.efficiency);
      write_interval(w, "efficiency_ci", p.efficiency_ci);
      util::put(w, "significant", p.significant);
      number(w, "p_value", p.p_value);
      util::put(w, "oversubscribed", p.oversubscribed);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  write_geomeans(w, cmp.geomeans);

  w.Key("failures");
  w.StartArray();
  for (const auto& f : cells.failures) {
    w.StartObject();
    util::put(w, "item_id", f.item_id);
    util::put(w, "interpreter", f.interpreter);
    util::put(w, "benchmark", f.benchmark);
    util::put(w, "threads", f.threads);
    util::put(w, "process_index", f.process_index);
    util::put(w, "reason", f.reason);
    util::put(w, "phase", f.phase);
    util::put(w, "exit", f.exit);
    util::put(w, "detail", f.detail);
    w.EndObject();
  }
  w.EndArray();

  util::put(w, "notes", cells.notes);
  util::put(w, "findings", key_findings(model));
  w.EndObject();
}

}  // namespace

std::string analysis_json(const ReportModel& model, const AnalysisJsonOptions& options) {
  rapidjson::StringBuffer buf;
  if (options.pretty) {
    util::JsonWriter w(buf);
    write_document(w, model, options);
  } else {
    util::CompactJsonWriter w(buf);
    write_document(w, model, options);
  }
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string run_comparison_json(const analysis::RunComparison& comparison) {
  rapidjson::StringBuffer buf;
  util::JsonWriter w(buf);
  w.StartObject();
  util::put(w, "schema", "ftbench-run-comparison");
  util::put(w, "schema_version", kAnalysisSchemaVersion);
  util::put(w, "run_a", comparison.run_a);
  util::put(w, "run_b", comparison.run_b);
  w.Key("rows");
  w.StartArray();
  for (const auto& r : comparison.rows) {
    w.StartObject();
    util::put(w, "interpreter", r.interpreter);
    util::put(w, "benchmark", r.benchmark);
    util::put(w, "threads", r.threads);
    util::put(w, "metric", analysis::to_string(r.metric));
    write_ratio(w, r.time);
    util::put(w, "note", r.note);
    w.EndObject();
  }
  w.EndArray();
  write_geomeans(w, comparison.geomeans);
  util::put(w, "notes", comparison.notes);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

}  // namespace ftbench::report
