#include "harness/catalog.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "harness/workloads.h"
#include "os/digest.h"
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

std::string code_hash(const Benchmark& benchmark, const std::filesystem::path& workloads_dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  if (benchmark.kind == Kind::script) {
    files.push_back(benchmark.script_path);
  } else {
    const fs::path suite = workloads_dir / "suite";
    const fs::path module = suite / (benchmark.id + ".py");
    files.push_back(module);
    std::error_code ec;
    for (fs::path dir = module.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      std::vector<fs::path> helpers;
      for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".py" && e.path().filename().string().rfind('_', 0) == 0) helpers.push_back(e.path());
      std::sort(helpers.begin(), helpers.end());
      files.insert(files.end(), helpers.begin(), helpers.end());
      if (dir == suite || dir == dir.parent_path()) break;
    }
  }
  std::string combined;
  for (const auto& f : files) {
    const auto digest = os::sha256_file(f);
    if (!digest) return "";
    combined += f.filename().string() + "=" + *digest + ";";
  }
  return os::sha256_hex(combined).substr(0, 16);
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
