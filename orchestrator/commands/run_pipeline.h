#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.h"
#include "harness/benchmark.h"

namespace ftbench::commands {

// What `run` and `script` share: config -> plan -> run -> results, or a resume of a run dir.
struct PipelineRequest {
  std::optional<config::RunConfig> config;       // absent when resuming
  std::optional<std::filesystem::path> resume_dir;
  bool dry_run = false;
  std::filesystem::path workloads_override;
  std::string log_level = "info";
  std::string command_line;
  std::optional<harness::Benchmark> script;      // script mode: the only benchmark
};

int run_pipeline(const PipelineRequest& request);

// Flags both commands accept, parsed into overrides; defined once here.
struct CommonFlags {
  std::optional<std::filesystem::path> config_file;
  config::Overrides overrides;
  bool dry_run = false;
  std::filesystem::path workloads_dir;
  std::string log_level = "info";
};

// Loads the config (the given file, else configs/default.yaml of the source tree) and
// applies command-line overrides.
config::RunConfig load_with_overrides(const CommonFlags& flags);

std::string join_command_line(const std::string& program, const std::vector<std::string>& args);

}  // namespace ftbench::commands
