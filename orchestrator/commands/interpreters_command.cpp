#include <fmt/format.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "discovery/discovery.h"
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
  const auto result = discovery::discover(discovery::SearchRoots::from_environment());
  if (vm.count("json")) {
    json::Writer w;
    w.start_object();
    w.field("interpreters", result.interpreters);
    if (vm.count("all")) {
      w.key("rejected");
      w.start_array();
      for (const auto& r : result.rejected) {
        w.start_object();
        w.field("path", r.path);
        w.field("reason", r.reason);
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
    fmt::print("{}\n", w.str());
    return kExitOk;
  }
  fmt::print("{:<10} {:<13} {:<6} {:<12} {}\n", "VERSION", "BUILD", "GIL", "SOURCE", "PATH");
  for (const auto& f : result.interpreters) {
    // A build of a source tree (provision-python --source DIR) says which commit it is; every
    // commit's build is listed, the newest is what queries pick.
    std::string built;
    if (!f.source_commit.empty())
      built = "commit " + discovery::short_commit(f.source_commit);
    if (!f.built_at.empty()) built += (built.empty() ? "built " : ", built ") + f.built_at;
    fmt::print("{:<10} {:<13} {:<6} {:<12} {}{}\n", f.short_name(), f.free_threaded_build ? "free-threaded" : "default",
               f.gil_enabled ? "on" : "off", f.source ? util::name(*f.source) : "", f.path.string(),
               built.empty() ? "" : "  (" + built + ")");
  }
  if (result.interpreters.empty())
    fmt::print("(none found: install CPython with pyenv/uv/your distribution, or run scripts/provision-python)\n");
  if (vm.count("all"))
    for (const auto& r : result.rejected) fmt::print("rejected {}: {}\n", r.path.string(), r.reason);
  fmt::print("\nconfigure args (--json shows all fields):\n");
  for (const auto& f : result.interpreters)
    fmt::print("  {}: {}\n", f.short_name(), f.configure_args.empty() ? "(none)" : f.configure_args);
  return kExitOk;
}

}  // namespace ftbench::commands
