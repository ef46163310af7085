#pragma once
// Everything about a run except its measurements: written when the run starts (so --resume
// can rebuild the exact plan without the config file) and again when it ends.

#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "os/machine.h"
#include "plan/plan.h"
#include "results/process_run.h"
#include "util/enum_names.h"
#include "util/json.h"

namespace ftbench::results {

enum class RunState { running, complete, interrupted };
inline constexpr util::EnumName<RunState> kRunStateNames[] = {
    {RunState::running, "running"}, {RunState::complete, "complete"}, {RunState::interrupted, "interrupted"}};
constexpr std::span<const util::EnumName<RunState>> enum_names(RunState) { return kRunStateNames; }

struct Manifest {
  int schema_version = kSchemaVersion;
  std::string run_id;
  std::string tool_version;
  std::string git_revision;
  std::string command_line;
  std::string config_file;
  std::string config_name;
  std::string config_text;       // the YAML as read, verbatim
  std::string created_at;        // ISO 8601 UTC
  std::string finished_at;
  RunState status = RunState::running;
  config::Affinity affinity;
  std::vector<config::OutputFormat> formats;
  std::string history_file;      // where the run is ingested at its end; "off"; "" (older runs): beside the run
  std::string history_url;       // a fleet's shared store it is pushed to after that (no password: never one in a URL)
  plan::Plan plan;
  os::MachineInfo machine;
  // The orchestrator's own cost, for the overhead benchmark: CPU seconds of this process and
  // of all the interpreter processes it ran (getrusage), and its peak RSS.
  double cpu_self_s = 0;
  double cpu_children_s = 0;
  long long max_rss_kb = 0;

  // The CPUs the run could use: the affinity list, else the machine's usable CPUs.
  int usable_cpus() const;
};
// Schema version 1's layout: run fields, "tool", "config" (with the plan's settings),
// "interpreters", "benchmarks", "plan" (items), "machine", "orchestrator_usage".
void to_json(json::Writer& w, const Manifest& m);
// Throws UserError for a file that is not an ftbench results file, a schema newer than this
// build, or a plan that refers to interpreters or benchmarks it does not list.
void from_json(const json::Value& v, Manifest& m);

// results.json: the manifest's fields plus "runs": [...].
std::string merged_json(const Manifest& manifest, const std::vector<ProcessRun>& runs);

}  // namespace ftbench::results
