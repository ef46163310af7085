#include <cstdio>

#include "commands/commands.h"
#include "commands/options.h"
#include "perf/doctor.h"

namespace po = boost::program_options;

namespace ftbench::commands {

int doctor_command(const Args& args) {
  po::options_description opts("orchestrate doctor [--json]");
  opts.add_options()("json", "machine-readable output")("help,h", "this help");
  auto parsed = parse_options(
      args, opts,
      "\nReports the PMU model, perf_event_paranoid, tracefs, hardware watchpoints and, for\n"
      "every event of every counter profile, whether it can be counted here and why not.\n");
  if (!parsed) return kExitOk;
  const auto report = perf::run_doctor();
  std::fputs((parsed->count("json") ? json::to_string(report) + "\n" : perf::render_doctor_table(report)).c_str(), stdout);
  return kExitOk;
}

}  // namespace ftbench::commands
