// One interpreter process, driven through the harness channel (run/executor.h has the flow).
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "harness/catalog.h"
#include "harness/workloads.h"
#include "os/clock.h"
#include "os/files.h"
#include "run/executor.h"
#include "util/error.h"
#include "util/strings.h"

namespace ftbench::run {
namespace {

using Clock = std::chrono::steady_clock;
using Status = Connection::Received::Status;

// Everything one run needs while it is in flight.
class Session {
 public:
  Session(const plan::PlanItem& item, const ItemContext& ctx, Launcher& launcher, const CounterAttacher& attach,
          results::ProcessRun& run)
      : item_(item),
        ctx_(ctx),
        launcher_(launcher),
        attach_(attach),
        run_(run),
        deadline_(Clock::now() + std::chrono::milliseconds(static_cast<long long>(ctx.plan->timeout_seconds * 1000))) {}

  // Returns with run_.status set; true when the stop signal ended it.
  bool execute() {
    run();
    conclude();
    return interrupted_;
  }

 private:
  void run();
  // Once the process has ended: its tree ended too and accounted for, limits that failed it
  // named, its logs completed (and then the stderr tail of a failure read).
  void conclude();
  void record(const ProcessEnd& end);
  // Records why the run failed (the first reason wins) and makes sure the child is gone.
  void fail(const std::string& why);
  bool stop_requested() const { return ctx_.stop_signal && ctx_.stop_signal->load() != 0; }
  // Waits for a message of type M; an error message from the child is a failure too.
  template <class M>
  std::optional<M> expect();
  bool send(const harness::Command& command);
  // The last iteration is answered with stop instead of ack: the workload's check() then
  // inspects the state the measured iterations left (workloads/PROTOCOL.md).
  bool run_iteration(int index, bool warmup, bool last);

  const plan::PlanItem& item_;
  const ItemContext& ctx_;
  Launcher& launcher_;
  const CounterAttacher& attach_;
  results::ProcessRun& run_;
  Clock::time_point deadline_;
  std::unique_ptr<Connection> child_;
  std::unique_ptr<IterationCounters> counters_;
  bool interrupted_ = false;
};

void Session::fail(const std::string& why) {
  run_.status = results::RunStatus::failed;
  if (run_.failure.empty()) run_.failure = why;
  if (child_) {
    // Give the child a moment to exit on its own (it may be writing its error), then kill
    // the whole group: workloads may have started processes of their own.
    auto status = child_->wait_for(std::chrono::milliseconds(200));
    if (!status) status = child_->kill();
    run_.exit = status->describe();
  }
}

bool Session::send(const harness::Command& command) {
  if (child_->send(command)) return true;
  fail("the child closed its channel (it exited or crashed) before receiving " + harness::render(command));
  return false;
}

template <class M>
std::optional<M> Session::expect() {
  const std::string wanted(harness::type_name(harness::ChildMessage(M{})));
  while (true) {
    auto in = child_->receive(deadline_);
    if (stop_requested()) {
      interrupted_ = true;
      fail("interrupted by signal");
      return std::nullopt;
    }
    switch (in.status) {
      case Status::interrupted:
        continue;
      case Status::message:
        if (auto* m = std::get_if<M>(&*in.message)) return std::move(*m);
        if (auto* e = std::get_if<harness::Error>(&*in.message)) {
          run_.error_phase = e->phase;
          run_.error_traceback = e->traceback;
          fail("the workload reported an error in " + util::name_string(e->phase) + ": " + e->message);
          return std::nullopt;
        }
        fail("protocol violation: expected '" + wanted + "', got '" + std::string(harness::type_name(*in.message)) + "'");
        return std::nullopt;
      case Status::garbage:
        fail("garbage on the harness channel: " + in.problem);
        return std::nullopt;
      case Status::timeout:
        fail("timed out after " + std::to_string(static_cast<long long>(ctx_.plan->timeout_seconds)) +
             " s waiting for '" + wanted + "' (raise `timeout:` in the config if the workload is just slow)");
        return std::nullopt;
      case Status::closed: {
        const auto status = child_->wait_for(std::chrono::seconds(2));
        fail("the child exited early (" + (status ? status->describe() : std::string("channel closed")) +
             ") while the orchestrator waited for '" + wanted + "'");
        return std::nullopt;
      }
    }
  }
}

bool Session::run_iteration(int index, bool warmup, bool last) {
  const auto ready = expect<harness::Ready>();
  if (!ready) return false;
  if (ready->iteration != index) {
    fail("protocol violation: 'ready' for iteration " + std::to_string(ready->iteration) + ", expected " +
         std::to_string(index));
    return false;
  }
  if (counters_) counters_->start();
  if (!send(harness::Go{index, warmup})) return false;
  auto done = expect<harness::Done>();
  if (counters_) counters_->stop();  // first, so our own bookkeeping is never counted
  if (!done) return false;
  if (done->report.index != index || done->report.warmup != warmup) {
    fail("protocol violation: 'done' for iteration " + std::to_string(done->report.index) + ", expected " +
         std::to_string(index));
    return false;
  }
  results::Iteration it;
  static_cast<harness::IterationReport&>(it) = std::move(done->report);
  if (counters_) it.counters = counters_->values();
  run_.iterations.push_back(std::move(it));
  if (last) return send(harness::Stop{});
  return send(harness::Ack{index});
}

void Session::run() {
  const auto& plan = *ctx_.plan;
  const auto& interp = plan.interpreters[item_.interpreter];
  LaunchRequest request;
  request.argv = harness::harness_command(interp.interpreter.path, plan.benchmarks[item_.benchmark], item_.threads,
                                          plan.size);
  request.env = harness::child_environment(interp.env, ctx_.workloads_dir, ctx_.pycache_dir);
  request.stdout_path = ctx_.stdout_path;
  request.stderr_path = ctx_.stderr_path;
  request.cpus = ctx_.cpus;
  request.limits.memory_bytes = plan.limits.memory_bytes;
  request.limits.open_files = plan.limits.open_files;
  request.log_limit_bytes = plan.limits.log_bytes;
  try {
    child_ = launcher_.launch(request);
  } catch (const UserError& e) {
    fail(e.what());
    return;
  }

  auto hello = expect<harness::Hello>();
  if (!hello) return;
  if (hello->protocol != harness::kProtocolVersion)
    throw UserError("the harness speaks protocol " + std::to_string(hello->protocol) + ", this orchestrate speaks " +
                    std::to_string(harness::kProtocolVersion) +
                    ": the workloads/ folder and the binary are from different versions");
  run_.child = hello->interpreter;
  run_.workload = hello->workload;
  // A workload that cannot be imported says hello without an operation count and then its
  // error; there is nothing to start.
  if (!hello->workload.ops_per_iteration) {
    if (expect<harness::Bye>()) fail("the harness could not set up the workload but sent no error");
    return;
  }

  // The child has only its main thread now; inherit=1 follows every thread it starts later.
  // (A thread that already exists would be missed: say so rather than undercount silently.)
  if (hello->os_threads.value_or(1) > 1 && !plan.events.empty())
    spdlog::warn("{}: the child already had {} threads at hello; counters miss the extra ones", run_.item_id,
                 *hello->os_threads);
  if (!plan.events.empty()) {
    try {
      counters_ = attach_(child_->pid(), plan.events);
    } catch (const perf::RequiredEventError& e) {
      fail(std::string("a required counter is unavailable: ") + e.what());
      throw UserError(std::string("a counter marked required cannot be counted on this machine: ") + e.what() +
                      " (run `orchestrate doctor` for details, or mark it required: false)");
    } catch (const std::exception& e) {
      fail(std::string("cannot attach counters: ") + e.what());
      return;
    }
    run_.capabilities = counters_->capabilities();
  }
  if (!send(harness::Start{})) return;

  const int total = plan.repetitions.warmups + plan.repetitions.iterations;
  for (int k = 0; k < total; ++k)
    if (!run_iteration(k, k < plan.repetitions.warmups, /*last=*/k + 1 == total)) return;

  const auto bye = expect<harness::Bye>();
  if (!bye) return;
  run_.checked = bye->checked;
  run_.gil_enabled_at_exit = bye->gil_enabled;
  const auto status = child_->wait_for(std::chrono::seconds(10));
  if (!status) {
    fail("the child said bye but did not exit within 10 s");
    return;
  }
  run_.exit = status->describe();
  if (!status->success()) {
    fail("the child said bye but ended with " + status->describe());
    return;
  }
  run_.status = results::RunStatus::ok;
}

void Session::conclude() {
  if (child_)
    if (const auto end = child_->finish()) record(*end);
  if (run_.status != results::RunStatus::failed) return;
  run_.stderr_tail = os::tail_of_file(ctx_.stderr_path);
  // An EMFILE traceback names the limit that caused it.
  const auto& limits = ctx_.plan->limits;
  if (limits.open_files && run_.limit_hit.empty())
    for (const std::string* text : {&run_.failure, &run_.error_traceback, &run_.stderr_tail})
      if (text->find("Too many open files") != std::string::npos) {
        run_.limit_hit = "open_files";
        run_.failure += " (limits.open_files = " + std::to_string(*limits.open_files) + ")";
        break;
      }
}

void Session::record(const ProcessEnd& end) {
  const auto& c = end.containment;
  const auto& limits = ctx_.plan->limits;
  results::Resources r;
  r.containment = c.method;
  r.cpu_s = c.cpu_seconds;
  r.memory_peak_bytes = c.memory_peak_bytes;
  r.memory_limit_bytes = c.memory_limit_bytes;
  run_.resources = r;
  if (!c.leftovers.empty()) {
    // Killed, and said loudly, but the measurements stand: the benchmark itself completed.
    run_.leftover_processes = c.leftovers;
    std::string names;
    for (const auto& p : c.leftovers) names += (names.empty() ? "" : ", ") + p.command + " (pid " + std::to_string(p.pid) + ")";
    spdlog::warn("{}: left {} process{} running after it ended: {}; killed", run_.item_id, c.leftovers.size(),
                 c.leftovers.size() == 1 ? "" : "es", names);
  }
  for (const auto& log : end.logs)
    if (log.dropped > 0) {
      run_.logs_cut.push_back(log);
      spdlog::warn("{}: {} wrote {} bytes; the middle {} bytes were dropped (limits.log = {})", run_.item_id, log.stream,
                   log.bytes, log.dropped, util::format_bytes(limits.log_bytes.value_or(0)));
    }
  if (c.memory_limit_hit) {
    // The kernel killed something in the tree at the limit: whatever the child then did is a
    // consequence, so the limit leads the reason.
    const auto limit = "memory limit " + util::format_bytes(c.memory_limit_bytes.value_or(0)) + " reached (limits.memory)";
    run_.failure = run_.failure.empty() ? limit : limit + ": " + run_.failure;
    run_.status = results::RunStatus::failed;
    run_.limit_hit = "memory";
  }
}

}  // namespace

results::ProcessRun HarnessExecutor::execute(const plan::PlanItem& item, const ItemContext& ctx, bool& interrupted) {
  const auto& plan = *ctx.plan;
  results::ProcessRun run;
  run.item_id = plan.item_id(item);
  run.sequence = item.sequence;
  run.round = item.round;
  run.interpreter = plan.interpreters[item.interpreter].label;
  run.benchmark = plan.benchmarks[item.benchmark].id;
  run.threads = item.threads;
  run.process_index = item.process_index;
  run.cpus = ctx.cpus;
  run.started_at = os::utc_now_iso8601();
  const auto start = Clock::now();
  Session session(item, ctx, launcher_, attach_, run);
  interrupted = session.execute();
  run.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

}  // namespace ftbench::run
