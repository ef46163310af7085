#include "run/bytecode.h"

#include <spdlog/spdlog.h>

#include <regex>

#include "harness/workloads.h"
#include "os/files.h"
#include "os/process.h"
#include "util/error.h"

namespace ftbench::run {
namespace {

// importlib writes each .pyc as "<name>.pyc.<number>" and renames it: a precompile killed half
// way (the orchestrator SIGKILLed: PR_SET_PDEATHSIG takes compileall along) leaves one behind.
void remove_unfinished_bytecode(const std::filesystem::path& cache) {
  static const std::regex unfinished(R"(.*\.pyc\.[0-9]+)");
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(cache, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_regular_file(file_ec) && std::regex_match(it->path().filename().string(), unfinished))
      std::filesystem::remove(it->path(), file_ec);
  }
}

}  // namespace

std::filesystem::path pycache_dir(const std::filesystem::path& root, const plan::Plan& plan, size_t interpreter_index) {
  // Named after the first plan entry with the same binary.
  const auto& exe = plan.interpreters[interpreter_index].interpreter.executable;
  size_t first = interpreter_index;
  for (size_t i = 0; i < interpreter_index; ++i)
    if (plan.interpreters[i].interpreter.executable == exe) {
      first = i;
      break;
    }
  return root / std::to_string(first);
}

void precompile_workloads(const plan::Plan& plan, const std::filesystem::path& workloads_dir,
                          const std::filesystem::path& root) {
  for (size_t i = 0; i < plan.interpreters.size(); ++i) {
    auto cache = pycache_dir(root, plan, i);
    if (cache != root / std::to_string(i)) continue;  // that binary is compiled already
    const auto& interp = plan.interpreters[i];
    remove_unfinished_bytecode(cache);
    auto env = harness::child_environment({}, workloads_dir, cache);
    env.erase("PYTHONDONTWRITEBYTECODE");  // this one step writes the cache
    auto result = os::run_and_capture({interp.interpreter.path.string(), "-m", "compileall", "-q", workloads_dir.string()}, env,
                                  std::chrono::minutes(5));
    // A full or read-only disk is ours to report (--resume compiles what is missing); compileall
    // writes each .pyc to a temporary and renames it, so no half-written one is left.
    if (!result.status.success())
      if (const auto error = os::storage_problem(root.parent_path())) os::throw_storage_error(cache, *error);
    if (result.timed_out || !result.status.success())
      throw UserError("cannot compile the workloads with " + interp.label + " (" + interp.interpreter.path.string() +
                      "): " + (result.timed_out ? "timed out" : result.status.describe()) + ": " +
                      (result.out + result.err).substr(0, 400));
    spdlog::debug("compiled {} for {} into {}", workloads_dir.string(), interp.label, cache.string());
  }
}

}  // namespace ftbench::run
