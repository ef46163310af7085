#include "results/manifest.h"

#include <algorithm>

#include "config/durations.h"
#include "util/error.h"

namespace ftbench::results {
namespace {

void write_fields(json::Writer& w, const Manifest& m) {
  w.field("schema", "ftbench-results");
  w.field("schema_version", kSchemaVersion);
  w.field("run_id", m.run_id);
  w.field("status", m.status);
  w.field("created_at", m.created_at);
  w.field("finished_at", m.finished_at);
  w.key("tool");
  w.start_object();
  w.field("name", "ftbench orchestrate");
  w.field("version", m.tool_version);
  w.field("git_revision", m.git_revision);
  w.field("command_line", m.command_line);
  w.end_object();

  const auto& p = m.plan;
  w.key("config");
  w.start_object();
  w.field("file", m.config_file);
  w.field("name", m.config_name);
  w.field("text", m.config_text);
  w.field("seed", p.seed);
  w.field("processes", p.repetitions.processes);
  w.field("warmups", p.repetitions.warmups);
  w.field("iterations", p.repetitions.iterations);
  w.field("size", p.size);
  w.field("timeout_s", p.timeout_seconds);
  w.field("limits", p.limits);
  w.field("target_rel_ci", p.repetitions.target_rel_ci.value_or(0));
  w.field("max_seconds_per_benchmark", p.repetitions.max_seconds);
  w.field("order", p.repetitions.order);
  w.field("threads", p.threads);
  w.field("affinity", m.affinity.mode);
  w.field("affinity_cpus", m.affinity.cpus);
  w.field("formats", m.formats);
  w.field("history", m.history_file);
  if (!m.history_url.empty()) w.field("history_url", m.history_url);
  w.field("events", p.events);
  w.end_object();

  w.field("interpreters", p.interpreters);
  w.field("benchmarks", p.benchmarks);
  w.key("plan");
  w.start_array();
  for (const auto& item : p.items) plan::write_item(w, p, item);
  w.end_array();
  w.field("machine", m.machine);
  w.key("orchestrator_usage");
  w.start_object();
  w.field("cpu_self_s", m.cpu_self_s);
  w.field("cpu_children_s", m.cpu_children_s);
  w.field("max_rss_kb", m.max_rss_kb);
  w.end_object();
}

}  // namespace

int Manifest::usable_cpus() const {
  return affinity.cpu_count(!machine.usable_cpus.empty() ? machine.usable_cpus.size()
                                                         : static_cast<size_t>(machine.logical_cpus));
}

void to_json(json::Writer& w, const Manifest& m) {
  w.start_object();
  write_fields(w, m);
  w.end_object();
}

void from_json(const json::Value& v, Manifest& m) {
  if (json::get_or<std::string>(v, "schema", "") != "ftbench-results")
    throw UserError("not an ftbench results file (no \"schema\": \"ftbench-results\")");
  json::get(v, "schema_version", m.schema_version);
  if (m.schema_version > kSchemaVersion)
    throw UserError("results schema version " + std::to_string(m.schema_version) + " is newer than this orchestrate (" +
                    std::to_string(kSchemaVersion) + "); use a newer build");
  json::get(v, "run_id", m.run_id);
  json::get(v, "status", m.status);
  json::get(v, "created_at", m.created_at);
  json::get(v, "finished_at", m.finished_at);
  if (const auto* t = json::member(v, "tool")) {
    json::get(*t, "version", m.tool_version);
    json::get(*t, "git_revision", m.git_revision);
    json::get(*t, "command_line", m.command_line);
  }
  auto& p = m.plan;
  if (const auto* c = json::member(v, "config")) {
    json::get(*c, "file", m.config_file);
    json::get(*c, "name", m.config_name);
    json::get(*c, "text", m.config_text);
    json::get(*c, "seed", p.seed);
    json::get(*c, "processes", p.repetitions.processes);
    json::get(*c, "warmups", p.repetitions.warmups);
    json::get(*c, "iterations", p.repetitions.iterations);
    json::get(*c, "size", p.size);
    json::get(*c, "timeout_s", p.timeout_seconds);
    json::get(*c, "limits", p.limits);  // older runs: the defaults
    if (double target = 0; json::get(*c, "target_rel_ci", target) && target > 0) p.repetitions.target_rel_ci = target;
    json::get(*c, "max_seconds_per_benchmark", p.repetitions.max_seconds);
    json::get(*c, "order", p.repetitions.order);
    json::get(*c, "threads", p.threads);
    json::get(*c, "affinity", m.affinity.mode);
    json::get(*c, "affinity_cpus", m.affinity.cpus);
    json::get(*c, "formats", m.formats);  // an unknown format name is skipped
    json::get(*c, "history", m.history_file);
    json::get(*c, "history_url", m.history_url);
    json::get(*c, "events", p.events);
  }
  // Deadlines are computed from it: a damaged value must not reach that arithmetic.
  if (!(p.timeout_seconds > 0 && p.timeout_seconds <= config::kMaxDurationSeconds) ||
      !(p.repetitions.max_seconds >= 0 && p.repetitions.max_seconds <= config::kMaxDurationSeconds))
    throw UserError("the run's timeout or time budget is not a duration of at most 30 days (damaged manifest)");
  json::get(v, "interpreters", p.interpreters);
  json::get(v, "benchmarks", p.benchmarks);
  json::get(v, "plan", p.items);
  for (const auto& item : p.items) {
    if (item.interpreter >= p.interpreters.size() || item.benchmark >= p.benchmarks.size())
      throw UserError("the run's plan refers to an interpreter or benchmark that is not listed (damaged manifest)");
    // Far beyond any run (repetitions.processes <= 10000), and rounds() = round + 1 stays an int.
    if (item.round < 0 || item.round > 1'000'000 || item.threads < 1 || item.process_index < 0)
      throw UserError("the run's plan has an item with a negative or impossible round, thread count or process "
                      "number (damaged manifest)");
  }
  // Manifests written before "processes" was recorded: the rounds planned stand in for it.
  if (const auto* c = json::member(v, "config"); !c || !json::member(*c, "processes"))
    p.repetitions.processes = std::max(1, p.rounds());
  json::get(v, "machine", m.machine);
  if (const auto* u = json::member(v, "orchestrator_usage")) {
    json::get(*u, "cpu_self_s", m.cpu_self_s);
    json::get(*u, "cpu_children_s", m.cpu_children_s);
    json::get(*u, "max_rss_kb", m.max_rss_kb);
  }
}

std::string merged_json(const Manifest& manifest, const std::vector<ProcessRun>& runs) {
  json::Writer w;
  w.start_object();
  write_fields(w, manifest);
  w.field("runs", runs);
  w.end_object();
  return w.str();
}

}  // namespace ftbench::results
