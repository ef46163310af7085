#include <unistd.h>

#include <cstdio>

#include "commands/commands.h"
#include "commands/options.h"
#include "config/config.h"
#include "os/containment.h"
#include "os/machine.h"
#include "os/system_check.h"
#include "os/tuning.h"
#include "perf/doctor.h"
#include "run/scheduler.h"
#include "util/error.h"

namespace po = boost::program_options;

namespace ftbench::commands {
namespace {

// The CPUs to check and tune: --cpus, else the config's, else every usable one.
std::vector<int> chosen_cpus(const po::variables_map& vm) {
  if (vm.count("cpus") && vm.count("config"))
    throw UserError("--cpus and --config both say which CPUs to check: give one of them");
  if (auto list = text_option(vm, "cpus")) {
    auto cpus = os::parse_cpu_list(*list);
    if (cpus.empty()) throw UserError("--cpus '" + *list + "' names no CPU (write it as the kernel does: 0-3,8)");
    return cpus;
  }
  if (auto file = text_option(vm, "config")) return run::run_cpus(config::load_config(*file).affinity);
  return os::usable_cpus();
}

int tune_command(const po::variables_map& vm, const os::SystemRoot& root, bool reset) {
  os::TuneOptions options;
  options.root = root;
  options.cpus = chosen_cpus(vm);
  if (auto state = text_option(vm, "state")) options.state_file = *state;
  // A fake root (FTBENCH_SYSTEM_ROOT, tests) is written under that directory only.
  options.privileged = ::geteuid() == 0 || !root.real();
  const auto report = reset ? os::reset_tuning(options) : os::tune(options);
  if (vm.count("json")) {
    json::Writer w;
    w.start_object();
    w.field("cpus", options.cpus);
    w.field("settings", report.lines);
    w.field("notes", report.notes);
    w.end_object();
    std::fputs((w.str() + "\n").c_str(), stdout);
  } else {
    std::fputs(((reset ? "reset" : "tune") + std::string(" (CPUs ") + os::format_cpu_list(options.cpus) + ")\n" +
                os::render_tune_report(report))
                   .c_str(),
               stdout);
  }
  return report.all_done() ? kExitOk : kExitSomeRunsFailed;
}

}  // namespace

int doctor_command(const Args& args) {
  po::options_description opts("orchestrate doctor [--json] [--config FILE | --cpus LIST] [--tune | --reset]");
  opts.add_options()("json", "machine-readable output")(
      "config", text_value(), "check (and tune) the CPUs this config's affinity uses")(
      "cpus", text_value(), "check (and tune) these CPUs, e.g. 0-3,8 (default: every usable CPU)")(
      "tune", "as root: set the reversible settings that steady timings on those CPUs, saving what was there")(
      "reset", "as root: restore exactly what --tune changed")(
      "state", text_value(), "where --tune keeps what it changed (default /var/lib/ftbench/tune.json)")(
      "help,h", "this help");
  auto parsed = parse_options(
      args, opts,
      "\nReports the PMU model, perf_event_paranoid, tracefs, hardware watchpoints and, for\n"
      "every event of every counter profile, whether it can be counted here and why not; then the\n"
      "system check: governor, turbo, SMT, isolated CPUs, ASLR, irqbalance, NUMA, frequency range,\n"
      "load, steal time, busy processes, perf sampling and the NMI watchdog, each ok / warning /\n"
      "not_applicable with the command that fixes it; then how benchmark processes are contained\n"
      "(cgroup v2 per process, or the subreaper fallback) and whether the memory limit is enforced.\n"
      "--tune sets the performance governor, turns turbo off, ASLR on and the NMI watchdog off\n"
      "(where it holds a hardware counter); --reset restores them. Settings a VM does not expose\n"
      "are named and left alone.\n");
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  const auto root = os::SystemRoot::from_environment();
  if (vm.count("tune") && vm.count("reset")) throw UserError("--tune and --reset exclude each other: choose one");
  if (vm.count("tune") || vm.count("reset")) return tune_command(vm, root, vm.count("reset") > 0);

  os::SystemCheckOptions options;
  options.root = root;
  options.cpus = chosen_cpus(vm);
  const auto check = os::check_system(options);
  const auto report = perf::run_doctor();
  // How each benchmark process will be contained (cgroup v2 or the subreaper) and limited.
  const auto containment = os::ContainmentSupport::probe(os::ContainmentOptions::from_environment());
  if (vm.count("json")) {
    json::Writer w;
    w.start_object();
    perf::write_fields(w, report);
    w.field("system", check);
    w.field("containment", containment);
    w.end_object();
    std::fputs((w.str() + "\n").c_str(), stdout);
  } else {
    std::string text = "\nprocess containment\n  method           " +
                       std::string(containment.method == os::ContainmentMethod::cgroup_v2 ? "cgroup v2" : "subreaper") +
                       " (" + containment.reason + ")\n  memory limit     " + containment.memory_reason + "\n";
    if (!containment.advice.empty()) text += "  to improve       " + containment.advice + "\n";
    std::fputs((perf::render_doctor_table(report) + "\n" + os::render_system_check(check) + text).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace ftbench::commands
