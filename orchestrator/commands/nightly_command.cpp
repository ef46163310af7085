// orchestrate nightly: the cron job. Lock the history, check the machine, run the config,
// store the night, judge it, re-measure suspects the same night, write nightly.md/.json and
// history.html, and exit with a status cron can act on (README.md "Nightly").

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include "analysis/analysis.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "commands/run_pipeline.h"
#include "history/history_page.h"
#include "history/nightly.h"
#include "os/clock.h"
#include "os/files.h"
#include "os/lock.h"
#include "os/logging.h"
#include "os/machine.h"
#include "results/run_store.h"
#include "run/scheduler.h"
#include "util/error.h"
#include "util/strings.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ftbench::commands {
namespace {

// Thrown out of a confirmation run that was interrupted (SIGINT/SIGTERM).
struct ConfirmationInterrupted {};

// One confirmation batch as a small run of its own, inside the night's run directory.
history::ConfirmationResult run_confirmation(const config::RunConfig& night, const os::MachineInfo& machine,
                                             const fs::path& run_dir, const fs::path& workloads_dir,
                                             const std::string& log_level, const history::ConfirmationBatch& batch) {
  config::RunConfig c = night;
  c.name = (night.name.empty() ? night.source_file.stem().string() : night.name) + "-confirm";
  c.interpreters.clear();
  for (const auto& i : batch.interpreters) {
    config::InterpreterSpec s;
    s.name = i.label;
    s.path = i.executable;
    s.env = i.env;
    s.where = {"nightly confirmation", 0, 0};
    c.interpreters.push_back(std::move(s));
  }
  c.interpreters.front().baseline = true;
  c.benchmarks = {};
  c.benchmarks.include = batch.benchmarks;
  c.threads.clear();
  for (int t : batch.threads) c.threads.push_back({false, t});
  c.repetitions.set_exact(batch.processes);
  c.output.directory = run_dir / "confirm";
  c.output.formats = {config::OutputFormat::json};
  c.history.enabled = false;

  PipelineRequest request;
  request.config = std::move(c);
  request.workloads_override = workloads_dir;
  request.log_level = log_level;
  request.command_line = "orchestrate nightly (confirmation of " + run_dir.filename().string() + ")";
  request.print_summary = false;
  request.ingest = false;
  request.logging_ready = true;
  request.machine = machine;
  const auto result = execute_pipeline(request);
  if (result.interrupted) throw ConfirmationInterrupted{};

  history::ConfirmationResult out;
  out.seconds = result.seconds;
  const auto a = analysis::analyze(result.manifest, result.runs);
  for (const auto& cell : a.cells.cells)
    if (cell.has_values())
      out.units[{cell.key.interpreter, cell.key.benchmark, cell.key.threads}] = cell.time_per_op.unit_values();
  return out;
}

int exit_code_of(history::NightOutcome outcome) {
  switch (outcome) {
    case history::NightOutcome::unfit: return kExitMachineUnfit;
    case history::NightOutcome::regression: return kExitRegression;
    case history::NightOutcome::failures: return kExitSomeRunsFailed;
    case history::NightOutcome::clean: return kExitOk;
  }
  return kExitOk;
}

}  // namespace

int nightly_command(const Args& args) {
  CommonFlags flags;
  po::options_description opts("orchestrate nightly [options]");
  add_run_options(opts, flags);
  opts.add_options()("benchmarks,b", po::value<std::vector<std::string>>()->multitoken(),
                     "suite globs, e.g. 'memory/ordering/*' (replaces the config's selection)");
  auto parsed = parse_options(
      args, opts,
      "\nRuns the config, stores the night in the history, compares it with the nights before and\n"
      "re-measures suspects the same night. Exit status: 0 clean, 1 some processes failed, 2 bad\n"
      "config, 4 new confirmed regression, 5 machine unfit (night stored, excluded), 6 another\n"
      "nightly job holds this history, 130 interrupted. Acknowledged or expected regressions\n"
      "never fail the job (`orchestrate history ack ID --note ...`).\n");
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  if (vm.count("benchmarks")) flags.overrides.benchmarks = vm["benchmarks"].as<std::vector<std::string>>();
  read_run_options(vm, flags);
  if (flags.overrides.no_history) throw UserError("nightly stores every night in the history: drop --no-history");
  auto config = load_with_overrides(flags);
  if (!config.history.enabled)
    throw UserError(config.source_file.string() + ": history.enabled is false, but nightly needs the history");
  os::setup_console_logging(flags.log_level);

  const fs::path history_file = fs::absolute(config.history.file(config.output.directory));
  std::error_code ec;
  fs::create_directories(history_file.parent_path(), ec);
  std::string holder;
  // FileLock records "pid N, <who>, since <time>" itself.
  const auto lock =
      os::FileLock::try_acquire(history_file.string() + ".lock", join_command_line("orchestrate nightly", args), holder);
  if (!lock) {
    fmt::print(stderr, "orchestrate: another nightly job holds {} ({}); exiting\n", history_file.string(), holder);
    return kExitLockHeld;
  }
  // Opened before the run: a foreign or newer database stops the night before hours are spent.
  auto store = history::HistoryStore::open(history_file);

  const auto machine = collect_machine(config);
  const auto preflight = history::run_preflight(machine, config.history);
  for (const auto& p : preflight.problems) spdlog::warn("preflight: {}", p);

  PipelineRequest request;
  request.config = config;
  request.machine = machine;
  request.dry_run = flags.dry_run;
  request.workloads_override = flags.workloads_dir;
  request.log_level = flags.log_level;
  request.command_line = join_command_line("orchestrate nightly", args);
  request.print_summary = false;
  request.ingest = false;  // process_night stores it, with the preflight
  request.logging_ready = true;
  auto run = execute_pipeline(request);
  if (!run.run_dir) return run.exit_code;  // dry run
  if (run.interrupted) return kExitInterrupted;

  history::NightInput night;
  night.manifest = std::move(run.manifest);
  night.runs = std::move(run.runs);
  night.run_dir = *run.run_dir;
  night.preflight = preflight;
  night.run_seconds = run.seconds;
  night.history_file = history_file.string();
  const auto workloads_dir = flags.workloads_dir;
  const auto runner = [&](const history::ConfirmationBatch& batch) {
    spdlog::info("confirming: {} benchmark(s) x {} thread count(s), {} interpreter(s), {} processes each",
                 batch.benchmarks.size(), batch.threads.size(), batch.interpreters.size(), batch.processes);
    return run_confirmation(config, night.manifest.machine, night.run_dir, workloads_dir, flags.log_level, batch);
  };

  history::NightlyReport report;
  try {
    report = history::process_night(store, night, history::nightly_settings(config.history), runner);
  } catch (const ConfirmationInterrupted&) {
    spdlog::warn("interrupted during confirmation: the night is stored; suspects stay undecided");
    return kExitInterrupted;
  }
  report.exit_code = exit_code_of(report.outcome);

  // In the run directory, and the latest beside the history: a stable path for cron's mail.
  const auto markdown = history::render_markdown(report);
  const auto json_text = history::render_json(report);
  os::write_file_atomically(night.run_dir / "nightly.md", markdown);
  os::write_file_atomically(night.run_dir / "nightly.json", json_text);
  os::write_file_atomically(history_file.parent_path() / "latest-nightly.md", markdown);
  os::write_file_atomically(history_file.parent_path() / "latest-nightly.json", json_text);
  try {
    const auto page = history::write_history_page(store, history_file.parent_path() / "history.html");
    spdlog::info("history dashboard: {}", page.string());
  } catch (const std::exception& e) {
    spdlog::warn("history.html not written: {}", e.what());
  }
  // The fleet's store last: a server that is down costs one warning line, never the night.
  if (config.history.url) push_to_fleet(history_file, *config.history.url);
  std::fputs(util::printable(history::render_text(report), true).c_str(), stdout);  // no raw control characters
  return report.exit_code;
}

}  // namespace ftbench::commands
