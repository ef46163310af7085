#include "harness/catalog.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "harness/workloads.h"
#include "os/process.h"
#include "util/error.h"
#include "util/strings.h"

namespace ftbench::harness {
namespace {

struct LoadError {
  std::string id;
  std::string message;
};
void from_json(const json::Value& v, LoadError& e) {
  json::get(v, "id", e.id);
  json::get(v, "message", e.message);
}

}  // namespace

std::vector<Benchmark> load_catalog(const std::filesystem::path& python, const std::filesystem::path& workloads_dir) {
  const auto env = child_environment({}, workloads_dir);
  const auto run = os::run_and_capture({python.string(), "-m", "ftbench", "list", "--json"}, env, std::chrono::seconds(180));
  // Exit status 1 with a listing means some workloads failed to load: they are still listed
  // (below, from "errors").
  const auto doc = json::parse(run.out);
  std::vector<Benchmark> out;
  const bool exited_normally = !run.timed_out && !run.status.signaled && (run.status.code == 0 || run.status.code == 1);
  if (!doc || !json::get(*doc, "workloads", out) || !exited_normally)
    throw UserError("cannot list the workload suite with " + python.string() + " (" +
                    (run.timed_out ? std::string("timed out") : run.status.describe()) + "): " +
                    util::truncate(run.err, 300) + " -- is " + workloads_dir.string() + " the workloads/ folder?");
  std::erase_if(out, [](const Benchmark& b) { return b.id.empty(); });
  std::vector<LoadError> errors;
  json::get(*doc, "errors", errors);
  for (const auto& e : errors) {
    if (e.id.empty()) continue;
    Benchmark b;
    b.id = e.id;
    b.summary = "cannot be loaded: " + e.message;
    spdlog::warn("workload {} {}; its runs will record the error", b.id, b.summary);
    out.push_back(std::move(b));
  }
  std::sort(out.begin(), out.end(), [](const Benchmark& a, const Benchmark& b) { return a.id < b.id; });
  return out;
}

std::vector<std::string> harness_command(const std::filesystem::path& python, const Benchmark& benchmark, int threads,
                                         const std::string& size) {
  std::vector<std::string> argv{python.string(), "-m", "ftbench"};
  if (benchmark.kind == Kind::script) {
    argv.insert(argv.end(), {"run-script", benchmark.script_path});
  } else {
    argv.push_back(benchmark.id);
    argv.insert(argv.end(), {"--size", size});
  }
  argv.insert(argv.end(), {"--threads", std::to_string(threads), "--channel-in", "3", "--channel-out", "4"});
  if (benchmark.kind == Kind::script) {
    argv.push_back("--");
    argv.insert(argv.end(), benchmark.script_args.begin(), benchmark.script_args.end());
  }
  return argv;
}

}  // namespace ftbench::harness
