#include "commands/run_pipeline.h"

#include <signal.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>

#include "analysis/adaptive.h"
#include "commands/commands.h"
#include "discovery/discovery.h"
#include "history/push.h"
#include "history/store.h"
#include "harness/catalog.h"
#include "harness/workloads.h"
#include "os/clock.h"
#include "os/files.h"
#include "os/lock.h"
#include "os/logging.h"
#include "os/machine.h"
#include "os/process.h"
#include "plan/builder.h"
#include "report/report.h"
#include "results/run_store.h"
#include "run/bytecode.h"
#include "run/connection.h"
#include "run/executor.h"
#include "run/scheduler.h"
#include "util/error.h"
#include "util/postgres_url.h"
#include "build_paths.h"  // generated: FTBENCH_SOURCE_DIR and friends

namespace fs = std::filesystem;

namespace ftbench::commands {
namespace {

std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_stop_signal.store(sig);
  // A second Ctrl-C ends us at once; every finished run is already on disk.
  ::signal(sig, SIG_DFL);
}

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking poll() returns EINTR and we notice at once
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

std::string git_revision() {
  try {
    auto r = os::run_and_capture({"/usr/bin/git", "-C", FTBENCH_SOURCE_DIR, "rev-parse", "--short=12", "HEAD"},
                                 {{"PATH", "/usr/bin:/bin"}}, std::chrono::seconds(5));
    if (r.status.success() && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
  } catch (const UserError&) {
  }
  return "unknown";
}

// config -> plan, recorded in a manifest.
results::Manifest build_manifest(const config::RunConfig& config, const PipelineRequest& request,
                                 const fs::path& workloads_dir) {
  if (config.min_kernel) {
    const auto kernel = os::KernelVersion::current();
    if (!kernel.at_least(*config.min_kernel))
      throw UserError(config.source_file.string() + " requires Linux >= " + *config.min_kernel + "; this machine runs " +
                      kernel.release + " (perf_event inherit and tracefs behaviour this tool relies on)");
  }
  results::Manifest m;
  m.tool_version = FTBENCH_VERSION;
  m.git_revision = git_revision();
  m.command_line = request.command_line;
  m.config_file = config.source_file.string();
  m.config_name = config.name.empty() ? config.source_file.stem().string() : config.name;
  std::error_code ec;
  if (fs::exists(config.source_file, ec)) m.config_text = os::read_file(config.source_file);
  m.created_at = os::utc_now_iso8601();
  m.affinity = config.affinity;
  m.formats = config.output.formats;
  m.history_file = config.history.enabled ? fs::absolute(config.history.file(config.output.directory)).string() : "off";
  if (config.history.enabled) m.history_url = config.history.url.value_or("");
  // A dry run prints the plan only: no half-second sample of steal time and busy processes.
  m.machine = request.machine ? *request.machine : collect_machine(config, !request.dry_run);

  const bool needs_discovery = std::any_of(config.interpreters.begin(), config.interpreters.end(),
                                           [](auto& s) { return !s.path.has_value(); });
  discovery::DiscoveryResult found;
  if (needs_discovery) found = discovery::discover(discovery::SearchRoots::from_environment());
  auto interpreters = plan::resolve_interpreters(config, found);
  if (interpreters.empty()) throw UserError("no interpreter to run (every optional one was skipped)");
  std::vector<harness::Benchmark> benchmarks;
  if (request.script)
    benchmarks = {*request.script};
  else
    benchmarks = plan::select_benchmarks(harness::load_catalog(interpreters.front().interpreter.path, workloads_dir),
                                         config.benchmarks);
  m.plan = plan::make_plan(config, std::move(interpreters), std::move(benchmarks), m.usable_cpus(), workloads_dir);
  return m;
}

// What each entry resolved to and why: on the console and in the run's log (a dry run prints
// it with the plan instead).
void log_resolutions(const plan::Plan& plan) {
  for (const auto& i : plan.interpreters) {
    if (!i.resolution) continue;
    spdlog::info("{}: {}", i.label, i.resolution->reason);
    if (!i.resolution->warning.empty()) spdlog::warn("{}: {}", i.label, i.resolution->warning);
  }
}

// Accumulates across --resume sessions: the manifest keeps what earlier sessions spent.
void record_usage(results::Manifest& m) {
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  rusage self{}, children{};
  ::getrusage(RUSAGE_SELF, &self);
  ::getrusage(RUSAGE_CHILDREN, &children);
  m.cpu_self_s += seconds(self.ru_utime) + seconds(self.ru_stime);
  m.cpu_children_s += seconds(children.ru_utime) + seconds(children.ru_stime);
  m.max_rss_kb = std::max<long long>(m.max_rss_kb, self.ru_maxrss);
}

// What the user can do about a storage error: the first half of its advice.
std::string storage_remedy(int error) {
  switch (error) {
    case ENOSPC:
    case EDQUOT: return "free space";
    case EROFS: return "make it writable again (remount it read-write)";
    case EIO: return "check the disk (dmesg)";
    default: return "make it writable";
  }
}

// A refusal before anything ran: the output is not writable, full, or read-only.
[[noreturn]] void refuse_output(const os::StorageError& e, const std::string& retry) {
  throw e.with_advice("nothing was run: " + storage_remedy(e.error()) + " and " + retry);
}

PipelineResult run_and_finish(const PipelineRequest& request, const fs::path& workloads_dir, results::RunStore& store,
                              results::Manifest& manifest, std::vector<results::ProcessRun>& runs,
                              std::chrono::steady_clock::time_point started);

}  // namespace

os::FileLock lock_run_directory(const results::RunStore& store, const std::string& command_line) {
  std::string holder;
  auto lock = os::FileLock::try_acquire(store.lock_file(), command_line, holder);
  if (!lock)
    throw UserError("run directory " + store.dir().string() + " is in use by " + holder +
                        ": wait for it to end (or stop it) and try again",
                    kExitLockHeld);
  return std::move(*lock);
}

os::MachineInfo collect_machine(const config::RunConfig& config, bool sample) {
  os::SystemCheckOptions check;
  check.cpus = run::run_cpus(config.affinity);
  if (!sample) check.interval = std::chrono::milliseconds(0);
  return os::MachineInfo::collect(check);
}

std::string join_command_line(const std::string& program, const std::vector<std::string>& args) {
  std::string out = program;
  for (const auto& a : args) out += " " + (a.find(' ') == std::string::npos ? a : "'" + a + "'");
  return out;
}

const std::atomic<int>& stop_signal() { return g_stop_signal; }

PipelineRequest request_from_flags(const CommonFlags& flags, const std::string& program, const std::vector<std::string>& args) {
  PipelineRequest request;
  request.dry_run = flags.dry_run;
  request.workloads_override = flags.workloads_dir;
  request.log_level = flags.log_level;
  request.command_line = join_command_line(program, args);
  return request;
}

config::RunConfig load_with_overrides(const CommonFlags& flags) {
  const fs::path file = flags.config_file ? *flags.config_file : fs::path(FTBENCH_SOURCE_DIR) / "configs" / "default.yaml";
  auto config = config::load_config(file);
  config::apply_overrides(config, flags.overrides);
  return config;
}

void ingest_into_history(const fs::path& run_dir, const results::Manifest& manifest,
                         const std::vector<results::ProcessRun>& runs) {
  if (manifest.history_file == "off" || manifest.status != results::RunState::complete) return;
  // Runs from before the history recorded no file: the one beside them.
  const fs::path file = manifest.history_file.empty() ? run_dir.parent_path() / "history.sqlite" : fs::path(manifest.history_file);
  try {
    auto store = history::HistoryStore::open(file);
    const auto outcome = store.ingest(manifest, runs, {run_dir, "", false, ""});
    if (outcome.added) spdlog::info("history: stored {} series of {} in {}", outcome.points, manifest.run_id, file.string());
  } catch (const std::exception& e) {
    spdlog::warn("{} (the run's results are saved in {})", e.what(), run_dir.string());
    return;
  }
  if (!manifest.history_url.empty()) push_to_fleet(file, manifest.history_url);
}

bool push_to_fleet(const fs::path& history_file, const std::string& url) {
  try {
    auto local = history::HistoryStore::open(history_file);
    auto shared = history::HistoryStore::open_url(url);
    const auto outcome = history::push_history(local, shared);
    spdlog::info("history: pushed {} night{} to {}{}", outcome.nights_pushed, outcome.nights_pushed == 1 ? "" : "s",
                 shared.database().describe(),
                 outcome.collisions.empty() ? ""
                                            : fmt::format(" ({} collided with another host's: see `history push`)",
                                                          outcome.collisions.size()));
    return true;
  } catch (const std::exception& e) {
    // The box's own history holds the night: the fleet gets it with the next push.
    spdlog::warn("history: not pushed to {}: {} (stored locally in {}; the next push sends it)",
                 url, e.what(), history_file.string());
    return false;
  }
}

int run_pipeline(const PipelineRequest& request) { return execute_pipeline(request).exit_code; }

PipelineResult execute_pipeline(const PipelineRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  PipelineResult result;
  if (!request.logging_ready) os::setup_console_logging(request.log_level);
  const auto workloads_dir = harness::workloads_directory(request.workloads_override);

  // Every run saved so far (none for a new run); the scheduler appends what it runs.
  std::optional<results::RunStore> store;
  std::optional<os::FileLock> lock;  // the run directory's, until the pipeline returns
  results::Manifest manifest;
  std::vector<results::ProcessRun> runs;
  if (request.resume_dir) {
    const auto& dir = *request.resume_dir;
    if (request.dry_run) {
      std::fputs(plan::describe(results::load_run_directory(dir).manifest.plan).c_str(), stdout);
      return result;
    }
    const auto opened = results::RunStore::open(dir);
    try {
      os::probe_writable(dir);
    } catch (const os::StorageError& e) {
      refuse_output(e, "run `orchestrate --resume " + dir.string() + "` again");
    }
    lock.emplace(lock_run_directory(opened, request.command_line));
    auto loaded = results::load_run_directory(dir, results::RunAccess::repair);
    store.emplace(std::move(loaded.store));
    manifest = std::move(loaded.manifest);
    runs = std::move(loaded.runs);
    os::add_log_file(store->log_file());
    for (const auto& p : loaded.problems) spdlog::warn("{}", p);
    spdlog::info("resuming {}: {} of {} processes already finished", store->dir().string(), runs.size(),
                 manifest.plan.items.size());
  } else {
    // Refused before discovery starts a single interpreter: a full or read-only output.
    if (!request.dry_run) try {
        os::probe_writable(request.config->output.directory);
      } catch (const os::StorageError& e) {
        refuse_output(e, "run it again (or choose another --output)");
      }
    manifest = build_manifest(*request.config, request, workloads_dir);
    if (request.dry_run) {
      std::fputs(plan::describe(manifest.plan).c_str(), stdout);
      return result;
    }
    try {
      store.emplace(
          results::RunStore::create(request.config->output.directory, results::make_run_id(manifest.config_name)));
    } catch (const os::StorageError& e) {
      refuse_output(e, "run it again (or choose another --output)");
    }
    lock.emplace(lock_run_directory(*store, request.command_line));
    manifest.run_id = store->dir().filename().string();
    try {
      store->write_manifest(manifest);
    } catch (const os::StorageError& e) {
      std::error_code ec;
      fs::remove_all(store->dir(), ec);  // nothing in it yet: no directory --resume could not complete
      refuse_output(e, "run it again (or choose another --output)");
    }
    os::add_log_file(store->log_file());
    log_resolutions(manifest.plan);
    spdlog::info("run {}: {} processes, results in {}", manifest.run_id, manifest.plan.items.size(),
                 store->dir().string());
  }
  try {
    return run_and_finish(request, workloads_dir, *store, manifest, runs, started);
  } catch (const os::StorageError& e) {
    // Every finished process is in runs/ (each written atomically); the one in flight and
    // results.json's last state are what --resume redoes.
    spdlog::debug("stopped: {}", e.what());
    throw e.with_advice(storage_remedy(e.error()) + " and complete it with `orchestrate --resume " +
                        store->dir().string() + "`");
  }
}

namespace {

PipelineResult run_and_finish(const PipelineRequest& request, const fs::path& workloads_dir, results::RunStore& store,
                              results::Manifest& manifest, std::vector<results::ProcessRun>& runs,
                              std::chrono::steady_clock::time_point started) {
  PipelineResult result;
  install_stop_handlers();
  run::ProcessLauncher launcher;
  run::HarnessExecutor executor(launcher);
  run::ConsoleProgress progress(::isatty(STDERR_FILENO) != 0);
  run::SchedulerOptions options;
  options.workloads_dir = workloads_dir;
  options.pycache_root = store.dir() / "pycache";
  run::precompile_workloads(manifest.plan, workloads_dir, options.pycache_root);
  options.affinity = manifest.affinity;
  options.stop_signal = &g_stop_signal;
  manifest.status = results::RunState::running;
  auto outcome = run::run_plan(manifest.plan, executor, store, manifest, runs, progress, options);
  // Adaptive repetitions: more rounds for the cells whose median is not yet tight enough. The
  // manifest is rewritten before each round, so --resume knows the extended plan.
  const auto& repetitions = manifest.plan.repetitions;
  const analysis::AdaptiveGoal goal{repetitions.target_rel_ci.value_or(0), repetitions.max_seconds};
  while (!outcome.interrupted && goal.target_rel_ci > 0) {
    auto round = analysis::next_adaptive_round(manifest, runs, goal);
    if (round.empty()) break;
    spdlog::info("adaptive: round {} adds {} processes (target relative CI {:.1f}%)", round.front().round,
                 round.size(), goal.target_rel_ci * 100);
    manifest.plan.items.insert(manifest.plan.items.end(), round.begin(), round.end());
    store.write_manifest(manifest);
    outcome.interrupted = run::run_plan(manifest.plan, executor, store, manifest, runs, progress, options).interrupted;
  }

  const bool complete = runs.size() >= manifest.plan.items.size() && !outcome.interrupted;
  manifest.status = complete ? results::RunState::complete : results::RunState::interrupted;
  manifest.finished_at = os::utc_now_iso8601();
  record_usage(manifest);
  store.write_manifest(manifest);
  store.write_merged(manifest, runs);
  report::report_finished_run(store.dir(), manifest, runs, request.print_summary ? stdout : nullptr);
  if (request.ingest) ingest_into_history(store.dir(), manifest, runs);

  const auto failed = static_cast<size_t>(
      std::count_if(runs.begin(), runs.end(), [](auto& r) { return r.status == results::RunStatus::failed; }));
  spdlog::info("{} of {} processes done ({} failed) -> {}", runs.size(), manifest.plan.items.size(), failed,
               (store.dir() / "results.json").string());
  if (const auto log_error = os::log_file_error(); !log_error.empty())
    spdlog::warn("{} is incomplete ({}); the results are complete", store.log_file().string(), log_error);
  result.run_dir = store.dir();
  result.interrupted = outcome.interrupted;
  result.failed = failed;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.exit_code = outcome.interrupted ? kExitInterrupted : failed ? kExitSomeRunsFailed : kExitOk;
  if (outcome.interrupted)
    spdlog::warn("interrupted: finished runs are saved; complete it with `orchestrate --resume {}`",
                 store.dir().string());
  result.manifest = std::move(manifest);
  result.runs = std::move(runs);
  return result;
}

}  // namespace

}  // namespace ftbench::commands
