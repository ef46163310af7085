#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "plan/plan.h"
#include "system/machine.h"

namespace ftbench::results {

// Everything about a run except its measurements: written when the run starts (so --resume
// can rebuild the exact plan without the config file) and again when it ends.
struct Manifest {
  int schema_version = 0;
  std::string run_id;
  std::string tool_version;
  std::string git_revision;
  std::string command_line;
  std::string config_file;
  std::string config_name;
  std::string config_text;       // the YAML as read, verbatim
  std::string created_at;        // ISO 8601 UTC
  std::string finished_at;
  std::string status = "running";  // running | complete | interrupted
  config::Affinity affinity;
  std::vector<std::string> formats;
  plan::Plan plan;
  system::MachineInfo machine;
  // The orchestrator's own cost, for the overhead benchmark: CPU seconds of this process and
  // of all the interpreter processes it ran (getrusage), and its peak RSS.
  double cpu_self_s = 0;
  double cpu_children_s = 0;
  long long max_rss_kb = 0;
};

}  // namespace ftbench::results
