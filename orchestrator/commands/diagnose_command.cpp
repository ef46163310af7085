// orchestrate diagnose TARGET: where do threads share cache lines? Tier 1 is a normal run
// (run_pipeline), tiers 2 and 3 are instrumented processes (diagnose/), and the result goes
// to the terminal (or --json), diagnosis.json and the run's dashboard.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "analysis/analysis.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "commands/run_pipeline.h"
#include "config/config.h"
#include "diagnose/diagnosis.h"
#include "harness/workloads.h"
#include "os/files.h"
#include "report/report.h"
#include "util/error.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ftbench::commands {
namespace {

// A target that names a file is a script; anything else a suite benchmark id.
bool looks_like_script(const std::string& target) {
  std::error_code ec;
  return target.ends_with(".py") || target.find('/') == 0 || fs::is_regular_file(target, ec);
}

// Tier 3 opens one event per (thread, CPU, word): 4 threads x 64 CPUs x 4 words is past the
// usual soft limit of 1024 descriptors. The hard limit is ours to take.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::vector<std::string> default_threads() {
  const auto ncpu = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::string> out;
  for (const int t : {1, 2, 4})
    if (t <= ncpu) out.push_back(std::to_string(t));
  if (ncpu > 4) out.push_back("ncpu");
  if (out.size() < 2) out.push_back("2");  // one CPU: 2 threads still show the layout
  return out;
}

}  // namespace

int diagnose_command(const Args& args) {
  const auto [ours, script_args] = split_script_args(args);
  CommonFlags flags;
  bool as_json = false;
  bool no_watch = false;
  bool no_sampling = false;
  double trap_budget = 10;
  int max_windows = 16;
  po::options_description opts("orchestrate diagnose TARGET [options] [-- SCRIPT ARGS]");
  add_run_options(opts, flags);
  opts.add_options()
      ("target", text_value(), "a suite benchmark id (memory/ordering/false_sharing_baseline) or a script's path")
      ("json", po::bool_switch(&as_json), "print diagnosis.json on stdout instead of the text report")
      ("trap-budget", po::value<double>(&trap_budget), "seconds of watchpoint traps per interpreter (default 10; each "
                                                       "trap costs ~20 us)")
      ("max-windows", po::value<int>(&max_windows), "watched iterations per interpreter, 4 words each (default 16)")
      ("watch-threads", po::value<int>(), "threads in the watched and sampled processes (default: the largest "
                                          "of --threads; at least 2 for a suite benchmark)")
      ("no-watch", po::bool_switch(&no_watch), "skip tier 3 (hardware watchpoints)")
      ("no-sampling", po::bool_switch(&no_sampling), "skip tier 2 (PMU address sampling)");
  po::positional_options_description pos;
  pos.add("target", 1);
  auto parsed = parse_options(
      ours, opts,
      "\nThree tiers: (1) scaling evidence from a normal run at every thread count (time, CPU, context switches,\n"
      "futex calls and hitm per operation) and a verdict; (2) PMU address sampling where the CPU offers it;\n"
      "(3) hardware watchpoints (any x86 machine, VMs included) on the words the threads write, named as Python\n"
      "objects, fields and buffer elements. Name what matters with ftbench.watch(obj) in a script or a\n"
      "workload's setup; otherwise candidates are found from the workload instance or the script's globals.\n",
      nullptr, &pos);
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  const auto target = text_option(vm, "target");
  if (!target) throw UserError("orchestrate diagnose needs a target: a suite benchmark id or a script's path");
  if (trap_budget <= 0) throw UserError("--trap-budget must be a positive number of seconds");
  if (max_windows < 1) throw UserError("--max-windows must be at least 1");
  read_run_options(vm, flags);
  if (flags.overrides.threads.empty()) flags.overrides.threads = default_threads();
  if (!flags.overrides.profile) flags.overrides.profile = "detailed";  // hitm where the PMU has it
  flags.overrides.no_history = true;  // a diagnosis is not a night

  std::optional<harness::Benchmark> script;
  if (looks_like_script(*target)) {
    const auto bench = harness::script_benchmark(*target, script_args);
    script = bench;
  } else {
    if (!script_args.empty()) throw UserError("arguments after -- are for a script; " + *target + " is a suite benchmark");
    flags.overrides.benchmarks = {*target};
  }

  auto request = request_from_flags(flags, "orchestrate diagnose", args);
  request.config = load_with_overrides(flags);
  request.script = script;
  request.print_summary = false;
  request.ingest = false;
  {
    auto stem = script ? fs::path(script->script_path).stem().string() : *target;
    std::replace(stem.begin(), stem.end(), '/', '-');
    request.config->name = "diagnose-" + stem;
  }
  // Exactly the target: a glob would run a family.
  if (!script && target->find_first_of("*?[") != std::string::npos)
    throw UserError("diagnose takes one benchmark id, not a pattern: " + *target);

  diagnose::Diagnosis d;
  d.target = script ? script->script_path : *target;
  d.kind = script ? harness::Kind::script : harness::Kind::suite;
  const auto tier1 = execute_pipeline(request);
  if (request.dry_run) return tier1.exit_code;
  if (!tier1.run_dir) return tier1.exit_code == kExitOk ? kExitUsage : tier1.exit_code;
  if (tier1.interrupted) return kExitInterrupted;
  d.run_dir = *tier1.run_dir;
  d.threads = tier1.manifest.plan.threads;
  if (tier1.manifest.plan.benchmarks.size() != 1)
    throw UserError(fmt::format("{} matched {} benchmarks; diagnose takes exactly one", *target,
                                tier1.manifest.plan.benchmarks.size()));
  const auto benchmark_id = tier1.manifest.plan.benchmarks.front().id;
  const auto analysis = analysis::analyze(tier1.manifest, tier1.runs);
  diagnose::add_scaling_evidence(d, analysis, benchmark_id, tier1.seconds);
  if (tier1.failed > 0) {
    auto& t = d.tiers.front();
    if (tier1.failed == tier1.runs.size()) t.status = diagnose::TierStatus::failed;
    t.message = fmt::format("{} of {} processes failed (logs/ in the run directory){}", tier1.failed, tier1.runs.size(),
                            t.message.empty() ? "" : "; " + t.message);
  }

  diagnose::ProcessOptions options;
  options.workloads_dir = harness::workloads_directory(flags.workloads_dir);
  options.size = flags.overrides.size.value_or("quick");
  const int largest = d.threads.empty() ? 2 : *std::max_element(d.threads.begin(), d.threads.end());
  // A script usually starts its own threads: run it as tier 1 did. A suite workload's threads
  // are the harness's: at least two, or nothing can be shared.
  const int minimum = script ? 1 : 2;
  options.threads = vm.count("watch-threads") ? vm["watch-threads"].as<int>() : std::max(minimum, largest);
  if (options.threads < minimum) throw UserError("--watch-threads must be at least 2 for a suite benchmark: sharing needs two threads");
  options.watch.trap_budget_s = trap_budget;
  options.watch.plan.max_windows = max_windows;
  options.sample = !no_sampling;
  options.watch_enabled = !no_watch;
  options.stop_signal = &stop_signal();
  raise_open_file_limit();
  run::ProcessLauncher launcher;
  diagnose::diagnose_processes(d, tier1.manifest, options, launcher,
                               diagnose::hardware_armer(tier1.manifest.affinity.cpus));
  d.verdict = diagnose::overall_verdict(d);

  const auto json_text = diagnose::diagnosis_json(d);
  os::write_file_atomically(d.run_dir / diagnose::kDiagnosisFile, json_text);
  // The dashboard again, now with its diagnosis section (report/ reads diagnosis.json).
  report::report_finished_run(d.run_dir, tier1.manifest, tier1.runs, nullptr);
  if (as_json) {
    std::fwrite(json_text.data(), 1, json_text.size(), stdout);
  } else {
    const auto text = diagnose::render_text(d);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::printf("\nTiming of watched iterations is never reported: traps slow them by orders of magnitude.\n");
    std::printf("diagnosis.json and the dashboard's diagnosis section: %s\n", d.run_dir.string().c_str());
  }
  if (stop_signal().load() != 0) return kExitInterrupted;
  bool failed = tier1.failed > 0;
  for (const auto& i : d.interpreters)
    for (const auto* status : {&i.watch.status, &i.sampling.status})
      failed = failed || *status == diagnose::TierStatus::failed;
  for (const auto& t : d.tiers)
    if (t.status == diagnose::TierStatus::failed) spdlog::warn("tier {} ({}) failed: {}", t.tier, t.name, t.message);
  return failed ? kExitSomeRunsFailed : kExitOk;
}

}  // namespace ftbench::commands
