#include "commands/run_pipeline.h"

#include <signal.h>
#include <sys/resource.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <set>

#include "commands/commands.h"
#include "discovery/discovery.h"
#include "perf/profiles.h"
#include "plan/resolve.h"
#include "report/report.h"
#include "results/run_store.h"
#include "run/adaptive.h"
#include "run/bytecode.h"
#include "run/executor.h"
#include "run/process.h"
#include "run/scheduler.h"
#include "system/machine.h"
#include "util/error.h"
#include "util/files.h"
#include "util/logging.h"

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
    auto r = run::run_and_capture({"/usr/bin/git", "-C", FTBENCH_SOURCE_DIR, "rev-parse", "--short=12", "HEAD"},
                                  {{"PATH", "/usr/bin:/bin"}}, std::chrono::seconds(5));
    if (r.status.success() && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
  } catch (const UserError&) {
  }
  return "unknown";
}

std::vector<config::EventSetting> resolve_events(const config::Counters& counters) {
  std::vector<config::EventSetting> out;
  perf::Profile profile;
  try {
    profile = perf::parse_profile(counters.profile);
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  for (const auto& r : perf::profile_events(profile)) out.push_back({r.name, r.required});
  for (const auto& e : counters.events) {
    auto it = std::find_if(out.begin(), out.end(), [&](auto& o) { return o.name == e.name; });
    if (it != out.end()) it->required = e.required;
    else out.push_back(e);
  }
  return out;
}

// config -> plan, recorded in a manifest.
results::Manifest build_manifest(const config::RunConfig& config, const PipelineRequest& request,
                                 const fs::path& workloads_dir) {
  if (config.min_kernel) {
    auto kernel = system::KernelVersion::current();
    if (!kernel.at_least(*config.min_kernel))
      throw UserError(config.source_file.string() + " requires Linux >= " + *config.min_kernel + "; this machine runs " +
                      kernel.release + " (perf_event inherit and tracefs behaviour this tool relies on)");
  }
  results::Manifest m;
  m.schema_version = results::kSchemaVersion;
  m.tool_version = FTBENCH_VERSION;
  m.git_revision = git_revision();
  m.command_line = request.command_line;
  m.config_file = config.source_file.string();
  m.config_name = config.name.empty() ? config.source_file.stem().string() : config.name;
  std::error_code ec;
  if (fs::exists(config.source_file, ec)) m.config_text = util::read_file(config.source_file);
  m.created_at = results::utc_now_iso8601();
  m.affinity = config.affinity;
  m.formats = config.output.formats;
  m.machine = system::MachineInfo::collect();

  auto& p = m.plan;
  bool needs_discovery = std::any_of(config.interpreters.begin(), config.interpreters.end(),
                                     [](auto& s) { return !s.path.has_value(); });
  discovery::DiscoveryResult found;
  if (needs_discovery) found = discovery::discover(discovery::SearchRoots::from_environment());
  p.interpreters = plan::resolve_interpreters(config, found);
  if (p.interpreters.empty()) throw UserError("no interpreter to run (every optional one was skipped)");
  if (request.script) {
    p.benchmarks = {*request.script};
  } else {
    auto catalog = plan::load_catalog(p.interpreters.front().facts, workloads_dir);
    p.benchmarks = plan::select_benchmarks(catalog, config.benchmarks);
  }
  p.threads = plan::resolve_threads(config.threads, config.affinity.cpu_count(m.machine.usable_cpus.size()));
  p.seed = config.seed ? *config.seed : std::random_device{}();
  p.warmups = config.repetitions.warmups;
  p.iterations = config.repetitions.iterations;
  p.size = config.size;
  p.events = resolve_events(config.counters);
  p.timeout_seconds = config.timeout_seconds;
  p.target_rel_ci = config.repetitions.target_rel_ci.value_or(0);
  p.max_seconds_per_benchmark = config.repetitions.max_seconds;
  p.items = plan::interleave(p.interpreters.size(), p.benchmarks.size(), p.threads, config.repetitions.processes, p.seed);
  return m;
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

}  // namespace

std::string join_command_line(const std::string& program, const std::vector<std::string>& args) {
  std::string out = program;
  for (const auto& a : args) out += " " + (a.find(' ') == std::string::npos ? a : "'" + a + "'");
  return out;
}

config::RunConfig load_with_overrides(const CommonFlags& flags) {
  fs::path file = flags.config_file ? *flags.config_file : fs::path(FTBENCH_SOURCE_DIR) / "configs" / "default.yaml";
  auto config = config::load_config(file);
  config::apply_overrides(config, flags.overrides);
  if (flags.warmups) config.repetitions.warmups = *flags.warmups;
  if (flags.iterations) config.repetitions.iterations = *flags.iterations;
  if (flags.timeout) config.timeout_seconds = *flags.timeout;
  return config;
}

int run_pipeline(const PipelineRequest& request) {
  util::setup_console_logging(request.log_level);
  auto workloads_dir = plan::workloads_directory(request.workloads_override);

  std::optional<results::RunStore> store;
  results::Manifest manifest;
  if (request.resume_dir) {
    store.emplace(results::RunStore::open(*request.resume_dir));
    manifest = store->read_manifest();
  } else {
    manifest = build_manifest(*request.config, request, workloads_dir);
  }
  if (request.dry_run) {
    std::fputs(plan::describe(manifest.plan).c_str(), stdout);
    return kExitOk;
  }

  // Every run saved so far (none for a new run); the scheduler appends what it runs.
  std::vector<results::ProcessRun> runs;
  if (store) {
    std::vector<std::string> problems;
    runs = store->load_runs(&problems);
    util::add_log_file(store->log_file());
    for (const auto& p : problems) spdlog::warn("{}", p);
    spdlog::info("resuming {}: {} of {} processes already finished", store->dir().string(), runs.size(),
                 manifest.plan.items.size());
  } else {
    store.emplace(
        results::RunStore::create(request.config->output.directory, results::make_run_id(manifest.config_name)));
    manifest.run_id = store->dir().filename().string();
    store->write_manifest(manifest);
    util::add_log_file(store->log_file());
    spdlog::info("run {}: {} processes, results in {}", manifest.run_id, manifest.plan.items.size(),
                 store->dir().string());
  }

  install_stop_handlers();
  run::HarnessExecutor executor;
  run::ConsoleProgress progress(::isatty(STDERR_FILENO) != 0);
  run::SchedulerOptions options;
  options.workloads_dir = workloads_dir;
  options.pycache_root = store->dir() / "pycache";
  run::precompile_workloads(manifest.plan, workloads_dir, options.pycache_root);
  options.affinity = manifest.affinity;
  options.stop_signal = &g_stop_signal;
  manifest.status = "running";
  auto outcome = run::run_plan(manifest.plan, executor, *store, manifest, runs, progress, options);
  // Adaptive repetitions: more rounds for the cells whose median is not yet tight enough. The
  // manifest is rewritten before each round, so --resume knows the extended plan.
  run::AdaptiveGoal goal{manifest.plan.target_rel_ci, manifest.plan.max_seconds_per_benchmark};
  while (!outcome.interrupted && goal.target_rel_ci > 0) {
    auto round = run::next_adaptive_round(manifest.plan, runs, goal);
    if (round.empty()) break;
    spdlog::info("adaptive: round {} adds {} processes (target relative CI {:.1f}%)", round.front().round,
                 round.size(), goal.target_rel_ci * 100);
    manifest.plan.items.insert(manifest.plan.items.end(), round.begin(), round.end());
    store->write_manifest(manifest);
    outcome.interrupted = run::run_plan(manifest.plan, executor, *store, manifest, runs, progress, options).interrupted;
  }

  bool complete = runs.size() >= manifest.plan.items.size() && !outcome.interrupted;
  manifest.status = complete ? "complete" : "interrupted";
  manifest.finished_at = results::utc_now_iso8601();
  record_usage(manifest);
  store->write_manifest(manifest);
  store->write_merged(manifest, runs);
  report::report_finished_run(store->dir(), manifest, runs, stdout);  // formats, index, summary table

  size_t failed = static_cast<size_t>(std::count_if(runs.begin(), runs.end(), [](auto& r) {
    return r.status == results::RunStatus::failed;
  }));
  spdlog::info("{} of {} processes done ({} failed) -> {}", runs.size(), manifest.plan.items.size(), failed,
               (store->dir() / "results.json").string());
  if (outcome.interrupted) {
    spdlog::warn("interrupted: finished runs are saved; complete it with `orchestrate --resume {}`",
                 store->dir().string());
    return kExitInterrupted;
  }
  return failed ? kExitSomeRunsFailed : kExitOk;
}

}  // namespace ftbench::commands
