#include <cstdio>

#include "commands/commands.h"
#include "commands/options.h"
#include "discovery/discovery.h"
#include "results/codec.h"
#include "util/json.h"

namespace po = boost::program_options;

namespace ftbench::commands {

int interpreters_command(const Args& args) {
  po::options_description opts("orchestrate interpreters [--json]");
  opts.add_options()("json", "machine-readable output")("all", "also list rejected candidates and why")(
      "help,h", "this help");
  auto parsed = parse_options(
      args, opts,
      "\nLooks in: the provisioning cache (scripts/provision-python), pyenv versions, uv-managed\n"
      "installs, PATH (python3, python3.X, python3.Xt) and /usr/bin, /usr/local/bin.\n");
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  auto result = discovery::discover(discovery::SearchRoots::from_environment());
  if (vm.count("json")) {
    rapidjson::StringBuffer buf;
    util::JsonWriter w(buf);
    w.StartObject();
    w.Key("interpreters");
    w.StartArray();
    for (const auto& f : result.interpreters) results::write_json(w, f);
    w.EndArray();
    if (vm.count("all")) {
      w.Key("rejected");
      w.StartArray();
      for (const auto& r : result.rejected) {
        w.StartObject();
        util::put(w, "path", r.path.string());
        util::put(w, "reason", r.reason);
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
    std::printf("%s\n", buf.GetString());
    return kExitOk;
  }
  std::printf("%-10s %-13s %-6s %-12s %s\n", "VERSION", "BUILD", "GIL", "SOURCE", "PATH");
  for (const auto& f : result.interpreters)
    std::printf("%-10s %-13s %-6s %-12s %s\n", f.short_name().c_str(), f.free_threaded_build ? "free-threaded" : "default",
                f.gil_enabled ? "on" : "off", discovery::to_string(f.source).c_str(), f.path.c_str());
  if (result.interpreters.empty())
    std::printf("(none found: install CPython with pyenv/uv/your distribution, or run scripts/provision-python)\n");
  if (vm.count("all"))
    for (const auto& r : result.rejected) std::printf("rejected %s: %s\n", r.path.c_str(), r.reason.c_str());
  std::printf("\nconfigure args (--json shows all fields):\n");
  for (const auto& f : result.interpreters)
    std::printf("  %s: %s\n", f.short_name().c_str(), f.configure_args.empty() ? "(none)" : f.configure_args.c_str());
  return kExitOk;
}

}  // namespace ftbench::commands
