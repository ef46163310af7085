#include "run/scheduler.h"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <cstdio>
#include <limits>
#include <set>

#include "run/bytecode.h"
#include "os/files.h"
#include "os/machine.h"
#include "util/enum_names.h"
#include "util/strings.h"

namespace ftbench::run {
namespace {

uintmax_t fs_size(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// A process that failed while the file system of its output (logs/<seq>.stdout|stderr) is full
// or read-only most likely failed on that (a print that raised ENOSPC, a flush at exit): our
// disk, not the benchmark. It is not stored (a stored failure is final); the run stops on the
// disk's error and --resume runs the process again once there is space.
void refuse_lost_output(const results::ProcessRun& run, const ItemContext& ctx) {
  if (run.status != results::RunStatus::failed || ctx.stdout_path.empty()) return;
  const auto error = os::storage_problem(ctx.stdout_path.parent_path());
  if (!error) return;
  const auto out = fs_size(ctx.stdout_path), err = fs_size(ctx.stderr_path);
  os::throw_storage_error(err > out ? ctx.stderr_path : ctx.stdout_path, *error);
}

}  // namespace

ConsoleProgress::ConsoleProgress(bool tty) : tty_(tty) {}

void ConsoleProgress::item_started(size_t done, size_t total, const std::string& item_id, double eta_seconds) {
  if (!tty_) return;
  const auto seconds = static_cast<long>(eta_seconds);
  const std::string eta = eta_seconds > 0 ? fmt::format(", ETA {}m{}s", seconds / 60, seconds % 60) : "";
  fmt::print(stderr, "\r\033[K[{}/{}{}] {}", done + 1, total, eta, util::printable(item_id));
  std::fflush(stderr);
  line_shown_ = true;
}

void ConsoleProgress::item_finished(const results::ProcessRun& run) {
  if (run.status == results::RunStatus::ok) return;
  if (tty_ && line_shown_) std::fprintf(stderr, "\r\033[K");
  line_shown_ = false;
  spdlog::warn("{} failed: {}", run.item_id, run.failure);
}

void ConsoleProgress::finished() {
  if (tty_ && line_shown_) std::fprintf(stderr, "\r\033[K");
  line_shown_ = false;
}

std::vector<int> cpus_for(const config::Affinity& affinity, int threads) {
  switch (affinity.mode) {
    case config::Affinity::Mode::none: return {};
    case config::Affinity::Mode::list: return affinity.cpus;
    case config::Affinity::Mode::automatic: {
      auto cores = os::one_cpu_per_core(os::usable_cpus());
      if (static_cast<size_t>(threads) < cores.size()) cores.resize(static_cast<size_t>(threads));
      return cores;
    }
  }
  return {};
}

std::vector<int> run_cpus(const config::Affinity& affinity) {
  auto cpus = cpus_for(affinity, std::numeric_limits<int>::max());
  return cpus.empty() ? os::usable_cpus() : cpus;
}

SchedulerOutcome run_plan(const plan::Plan& plan, Executor& executor, const results::RunStore& store,
                          const results::Manifest& manifest, std::vector<results::ProcessRun>& runs,
                          ProgressSink& progress, const SchedulerOptions& options) {
  using Clock = std::chrono::steady_clock;
  SchedulerOutcome outcome;
  std::set<std::string> finished;
  for (const auto& r : runs) finished.insert(r.item_id);
  auto last_merge = Clock::now();
  double seconds_spent = 0;
  size_t total = plan.items.size();
  size_t done = 0;
  for (const auto& item : plan.items) {
    if (options.stop_signal && options.stop_signal->load()) {
      outcome.interrupted = true;
      break;
    }
    auto id = plan.item_id(item);
    if (finished.count(id)) {
      ++outcome.skipped;
      ++done;
      continue;
    }
    double eta = outcome.ran ? seconds_spent / static_cast<double>(outcome.ran) * static_cast<double>(total - done) : 0;
    progress.item_started(done, total, id, eta);

    ItemContext ctx;
    ctx.plan = &plan;
    ctx.workloads_dir = options.workloads_dir;
    ctx.stdout_path = store.child_output(item.sequence, "stdout");
    ctx.stderr_path = store.child_output(item.sequence, "stderr");
    ctx.cpus = cpus_for(options.affinity, item.threads);
    if (!options.pycache_root.empty()) ctx.pycache_dir = pycache_dir(options.pycache_root, plan, item.interpreter);
    ctx.stop_signal = options.stop_signal;
    bool interrupted = false;
    auto run = executor.execute(item, ctx, interrupted);
    if (interrupted) {  // cut short by us, not by the workload: resume will redo it
      outcome.interrupted = true;
      break;
    }
    refuse_lost_output(run, ctx);
    store.save_run(run);
    ++outcome.ran;
    ++done;
    seconds_spent += run.duration_s;
    (run.status == results::RunStatus::ok ? outcome.ok : outcome.failed)++;
    spdlog::debug("{}: {} in {:.2f} s{}", id, util::name(run.status), run.duration_s,
                  run.failure.empty() ? "" : " (" + run.failure + ")");
    progress.item_finished(run);
    runs.push_back(std::move(run));
    if (Clock::now() - last_merge >= options.merge_interval) {
      store.write_merged(manifest, runs);
      last_merge = Clock::now();
    }
  }
  progress.finished();
  return outcome;
}

}  // namespace ftbench::run
