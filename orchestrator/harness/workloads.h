#pragma once
// Where the Python side lives and the environment every harness process gets.

#include <filesystem>
#include <map>
#include <string>

namespace ftbench::harness {

// Where the Python side lives: --workloads-dir, else $FTBENCH_WORKLOADS_DIR, else the source
// tree this binary was built from. Throws UserError when that folder has no harness.
std::filesystem::path workloads_directory(const std::filesystem::path& override_dir = {});

// The environment every child gets: a small allow-list of the caller's variables (locale,
// PATH, HOME, TMPDIR) plus the harness location and bytecode cache (run/bytecode.h), then the
// interpreter's own variables. Everything else, PYTHON_GIL and PYTHONPATH included, is not
// inherited. Children never write bytecode.
std::map<std::string, std::string> child_environment(const std::map<std::string, std::string>& interpreter_env,
                                                     const std::filesystem::path& workloads_dir,
                                                     const std::filesystem::path& pycache_prefix = {});

}  // namespace ftbench::harness
