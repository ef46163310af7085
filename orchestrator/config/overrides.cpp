// Command-line flags applied over a config file, through the file's own value parsers.
#include <stdexcept>

#include "config/config.h"
#include "util/error.h"

namespace ftbench::config {
namespace {

// Runs one parser on a flag's value; its error becomes "--flag: message".
template <class F>
auto flag(const std::string& name, F&& parse) {
  try {
    return parse();
  } catch (const std::invalid_argument& e) {
    throw UserError(name + ": " + e.what());
  }
}

}  // namespace

void apply_overrides(RunConfig& c, const Overrides& o) {
  if (!o.benchmarks.empty()) {
    c.benchmarks.include = o.benchmarks;
    c.benchmarks.exclude.clear();
    c.benchmarks.tags.clear();
  }
  if (o.profile) c.counters.profile = flag("--profile", [&] { return parse_profile(*o.profile); });
  if (!o.threads.empty()) {
    c.threads.clear();
    for (const auto& t : o.threads) c.threads.push_back(flag("--threads", [&] { return parse_thread_setting(t); }));
  }
  if (!o.pythons.empty()) {
    c.interpreters.clear();
    for (const auto& p : o.pythons) {
      auto spec = flag("--python " + p, [&] { return parse_python_argument(p); });
      spec.where = {"--python " + p, 0, 0};
      c.interpreters.push_back(std::move(spec));
    }
  }
  if (o.output) c.output.directory = *o.output;
  auto integer = [](const std::string& name, const std::string& text, const IntSetting& setting) {
    return static_cast<int>(flag(name, [&] { return parse_int(text, setting); }));
  };
  // A count on the command line is the count: the config's adaptive target would add more.
  if (o.processes) c.repetitions.set_exact(integer("--repetitions", *o.processes, kProcesses));
  if (o.warmups) c.repetitions.warmups = integer("--warmups", *o.warmups, kWarmups);
  if (o.iterations) c.repetitions.iterations = integer("--iterations", *o.iterations, kIterations);
  if (o.size) c.size = flag("--size", [&] { return parse_size(*o.size); });
  if (o.timeout) c.timeout_seconds = flag("--timeout", [&] { return parse_duration(*o.timeout); });
  if (o.history) c.history.path = *o.history;
  if (o.no_history) c.history.enabled = false;
  for (const auto& setting : o.limits) {
    const auto eq = setting.find('=');
    if (eq == std::string::npos)
      throw UserError("--limit " + setting + ": write it as KEY=VALUE, e.g. --limit memory=2G (keys: " + limit_keys_text() + ")");
    flag("--limit " + setting, [&] { parse_limit(setting.substr(0, eq), setting.substr(eq + 1), c.limits); return 0; });
  }
}

}  // namespace ftbench::config
