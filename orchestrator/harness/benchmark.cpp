#include "harness/benchmark.h"

#include <filesystem>

#include "util/error.h"

namespace ftbench::harness {
bool Expectation::applies(bool free_threaded_build, bool gil_enabled, const discovery::PythonVersion& version,
                          int thread_count) const {
  const bool build_ok = build == BuildKind::any || (build == BuildKind::free_threaded && free_threaded_build && !gil_enabled) ||
                        (build == BuildKind::gil && !free_threaded_build);
  const bool threads_ok = threads == ThreadCondition::any || (threads == ThreadCondition::one) == (thread_count == 1);
  bool python_ok = python.empty() || python == "any";
  if (!python_ok) {
    try {
      python_ok = discovery::VersionSpec::parse(python).matches({version.major, version.minor, 0});
    } catch (const std::invalid_argument&) {
      python_ok = false;  // a spec this build cannot read never applies
    }
  }
  return build_ok && threads_ok && python_ok;
}

std::string Benchmark::group() const {
  if (kind == Kind::script || id.rfind("script:", 0) == 0) return "script";
  const auto slash = id.find('/');
  return slash == std::string::npos ? id : id.substr(0, slash);
}

Benchmark script_benchmark(const std::string& path, const std::vector<std::string>& args) {
  const auto absolute = std::filesystem::absolute(path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(absolute, ec)) throw UserError("script " + absolute.string() + " does not exist");
  Benchmark bench;
  bench.kind = Kind::script;
  bench.id = "script:" + absolute.filename().string();
  bench.scaling = Scaling::weak;
  bench.op_name = "script run";
  bench.summary = "user script " + absolute.string();
  bench.script_path = absolute.string();
  bench.script_args = args;
  return bench;
}

}  // namespace ftbench::harness
