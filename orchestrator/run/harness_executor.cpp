// One interpreter process, driven through the harness channel:
//   spawn -> hello -> attach counters -> start -> { ready -> snapshot, enable, go -> done ->
//   disable, snapshot, ack } x (warm-ups + iterations), the last ack being a stop -> bye -> exit.
// Anything off that path (timeout, early exit, garbage, an error message) ends the run as
// failed with the reason and the tail of the child's stderr; the suite goes on.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <optional>

#include "perf/counters.h"
#include "plan/resolve.h"
#include "results/run_store.h"
#include "run/channel.h"
#include "run/executor.h"
#include "run/process.h"
#include "util/error.h"
#include "util/json.h"

namespace ftbench::run {

namespace {

using Clock = std::chrono::steady_clock;
using util::get_array;
using util::get_bool;
using util::get_int;
using util::get_object;
using util::get_string;

std::string tail_of_file(const std::filesystem::path& path, size_t max_bytes = 4096) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  auto size = static_cast<size_t>(in.tellg());
  size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) {  // begin at a line boundary
    auto nl = text.find('\n');
    if (nl != std::string::npos) text = text.substr(nl + 1);
  }
  return text;
}

results::CounterResult to_result(const perf::CounterValue& v) {
  results::CounterResult c;
  c.name = v.name;
  c.status = std::string(perf::to_string(v.status));
  c.message = v.message;
  c.value = v.value;
  c.raw = v.raw;
  c.running_fraction = v.running_fraction;
  c.per_pmu = v.parts;
  return c;
}

// Everything one run needs while it is in flight.
class Session {
 public:
  Session(const plan::PlanItem& item, const ItemContext& ctx, results::ProcessRun& run)
      : item_(item), ctx_(ctx), run_(run), deadline_(Clock::now() + std::chrono::milliseconds(static_cast<long long>(
                                                                       ctx.plan->timeout_seconds * 1000))) {}

  // Returns normally with run_.status set; `interrupted` when the stop signal ended it.
  void execute(bool& interrupted) {
    run();
    interrupted = interrupted_;
  }

 private:
  void run();
  // Failure helpers: record why, and make sure the child is gone.
  void fail(const std::string& why);
  bool stop_requested() const { return ctx_.stop_signal && ctx_.stop_signal->load() != 0; }
  // Waits for a message of `type` (an error message from the child is a failure too).
  std::optional<rapidjson::Document> expect(const std::string& type);
  bool send(const std::string& json);
  void read_hello(const rapidjson::Document& hello);
  // The last iteration is answered with stop instead of ack: the workload's check() then
  // inspects the state the measured iterations left (workloads/PROTOCOL.md).
  bool run_iteration(int index, bool warmup, bool last);

  const plan::PlanItem& item_;
  const ItemContext& ctx_;
  results::ProcessRun& run_;
  Clock::time_point deadline_;
  std::optional<ChildProcess> child_;
  std::optional<Channel> channel_;
  std::optional<perf::ChildCounters> counters_;
  bool interrupted_ = false;
};

void Session::fail(const std::string& why) {
  run_.status = results::RunStatus::failed;
  if (run_.failure.empty()) run_.failure = why;
  if (child_) {
    // Give the child a moment to exit on its own (it may be writing its error), then kill
    // the whole group: workloads may have started processes of their own.
    auto status = child_->wait_for(std::chrono::milliseconds(200));
    if (!status) status = child_->kill_group(SIGKILL);
    run_.exit = status->describe();
  }
  run_.stderr_tail = tail_of_file(ctx_.stderr_path);
}

bool Session::send(const std::string& json) {
  if (channel_->send(json)) return true;
  fail("the child closed its channel (it exited or crashed) before receiving " + json);
  return false;
}

std::optional<rapidjson::Document> Session::expect(const std::string& type) {
  while (true) {
    auto in = channel_->receive(deadline_);
    if (stop_requested()) {
      interrupted_ = true;
      fail("interrupted by signal");
      return std::nullopt;
    }
    switch (in.status) {
      case Channel::ReadStatus::interrupted:
        continue;
      case Channel::ReadStatus::message:
        if (in.type == type) return std::move(in.message);
        if (in.type == "error") {
          run_.error_phase = get_string(in.message, "phase");
          run_.error_traceback = get_string(in.message, "traceback");
          fail("the workload reported an error in " + run_.error_phase + ": " + get_string(in.message, "message"));
          return std::nullopt;
        }
        fail("protocol violation: expected '" + type + "', got '" + in.type + "'");
        return std::nullopt;
      case Channel::ReadStatus::garbage:
        fail("garbage on the harness channel: " + in.problem);
        return std::nullopt;
      case Channel::ReadStatus::timeout:
        fail("timed out after " + std::to_string(static_cast<long long>(ctx_.plan->timeout_seconds)) +
             " s waiting for '" + type + "' (raise `timeout:` in the config if the workload is just slow)");
        return std::nullopt;
      case Channel::ReadStatus::closed: {
        auto status = child_->wait_for(std::chrono::seconds(2));
        fail("the child exited early (" + (status ? status->describe() : std::string("channel closed")) +
             ") while the orchestrator waited for '" + type + "'");
        return std::nullopt;
      }
    }
  }
}

void Session::read_hello(const rapidjson::Document& hello) {
  if (get_int(hello, "protocol") != 1)
    throw UserError("the harness speaks protocol " + std::to_string(get_int(hello, "protocol")) +
                    ", this orchestrate speaks 1: the workloads/ folder and the binary are from different versions");
  if (auto i = get_object(hello, "interpreter")) {
    results::ChildInterpreter c;
    c.implementation = get_string(*i, "implementation");
    c.version = get_string(*i, "version");
    c.executable = get_string(*i, "executable");
    c.free_threaded_build = get_bool(*i, "free_threaded_build");
    c.gil_enabled = get_bool(*i, "gil_enabled", true);
    c.configure_args = get_string(*i, "configure_args");
    c.compiler = get_string(*i, "compiler");
    run_.child = c;
  }
  if (auto w = get_object(hello, "workload")) {
    results::WorkloadInfo info;
    info.id = get_string(*w, "id");
    info.kind = get_string(*w, "kind");
    info.scaling = get_string(*w, "scaling");
    info.op_name = get_string(*w, "op_name");
    info.tags = util::get_strings(*w, "tags");
    info.size = get_int(*w, "size");
    info.size_preset = get_string(*w, "size_preset");
    info.ops_per_iteration = get_int(*w, "ops_per_iteration");
    run_.workload = info;
  }
}

bool Session::run_iteration(int index, bool warmup, bool last) {
  auto ready = expect("ready");
  if (!ready) return false;
  if (get_int(*ready, "iteration", -1) != index) {
    fail("protocol violation: 'ready' for iteration " + std::to_string(get_int(*ready, "iteration", -1)) +
         ", expected " + std::to_string(index));
    return false;
  }
  perf::Snapshot before;
  if (counters_) {
    before = counters_->read();
    counters_->enable();
  }
  if (!send(R"({"type":"go","iteration":)" + std::to_string(index) + R"(,"warmup":)" + (warmup ? "true" : "false") + "}"))
    return false;
  auto done = expect("done");
  if (counters_) counters_->disable();  // first, so our own bookkeeping is never counted
  if (!done) return false;
  results::Iteration it;
  it.index = index;
  it.warmup = warmup;
  it.region_ns = get_int(*done, "region_ns");
  it.ops = get_int(*done, "ops");
  it.gil_enabled = get_bool(*done, "gil_enabled", true);
  if (auto threads = get_array(*done, "threads"))
    for (const auto& t : threads->GetArray())
      it.threads.push_back({static_cast<int>(get_int(t, "index")), get_int(t, "wall_ns"), get_int(t, "cpu_ns")});
  if (get_int(*done, "iteration", -1) != index || it.region_ns <= 0) {
    fail("protocol violation: malformed 'done' for iteration " + std::to_string(index));
    return false;
  }
  if (counters_)
    for (const auto& v : perf::difference(before, counters_->read())) it.counters.push_back(to_result(v));
  run_.iterations.push_back(std::move(it));
  if (last) return send(R"({"type":"stop"})");
  return send(R"({"type":"ack","iteration":)" + std::to_string(index) + "}");
}

void Session::run() {
  const auto& plan = *ctx_.plan;
  const auto& interp = plan.interpreters[item_.interpreter];
  auto [channel, ends] = Channel::create();
  channel_.emplace(std::move(channel));

  SpawnOptions options;
  options.argv = harness_command(plan, item_);
  options.env = plan::child_environment(interp.env, ctx_.workloads_dir, ctx_.pycache_dir);
  options.stdout_path = ctx_.stdout_path;
  options.stderr_path = ctx_.stderr_path;
  options.fds = {{ends.command_read.get(), 3}, {ends.event_write.get(), 4}};
  options.cpus = ctx_.cpus;
  try {
    child_.emplace(ChildProcess::spawn(options));
  } catch (const UserError& e) {
    fail(e.what());
    return;
  }
  // Our copies of the child's ends must go, or EOF would never arrive when the child dies.
  ends.command_read.reset();
  ends.event_write.reset();

  auto hello = expect("hello");
  if (!hello) return;
  read_hello(*hello);
  // A workload that cannot be imported says hello without an operation count and then its
  // error; there is nothing to start.
  if (auto w = get_object(*hello, "workload"); !w || !w->HasMember("ops_per_iteration") ||
                                               !(*w)["ops_per_iteration"].IsInt64()) {
    if (expect("bye")) fail("the harness could not set up the workload but sent no error");
    return;
  }

  // The child has only its main thread now; inherit=1 follows every thread it starts later.
  // (A thread that already exists would be missed: say so rather than undercount silently.)
  if (auto os_threads = get_int(*hello, "os_threads", 1); os_threads > 1 && !plan.events.empty())
    spdlog::warn("{}: the child already had {} threads at hello; counters miss the extra ones", run_.item_id,
                 os_threads);
  if (!plan.events.empty()) {
    std::vector<perf::EventRequest> requests;
    for (const auto& e : plan.events) requests.push_back({e.name, e.required});
    try {
      counters_.emplace(perf::ChildCounters::attach(child_->pid(), requests));
    } catch (const perf::RequiredEventError& e) {
      fail(std::string("a required counter is unavailable: ") + e.what());
      throw UserError(std::string("a counter marked required cannot be counted on this machine: ") + e.what() +
                      " (run `orchestrate doctor` for details, or mark it required: false)");
    } catch (const std::exception& e) {
      fail(std::string("cannot attach counters: ") + e.what());
      return;
    }
    for (const auto& c : counters_->capabilities())
      run_.capabilities.push_back({c.name, std::string(perf::to_string(c.status)), c.message, c.encoding, c.proxy, c.note});
  }
  if (!send(R"({"type":"start"})")) return;

  int total = plan.warmups + plan.iterations;
  for (int k = 0; k < total; ++k)
    if (!run_iteration(k, k < plan.warmups, /*last=*/k + 1 == total)) return;

  auto bye = expect("bye");
  if (!bye) return;
  run_.checked = get_bool(*bye, "checked", false);
  run_.gil_enabled_at_exit = get_bool(*bye, "gil_enabled", true);
  auto status = child_->wait_for(std::chrono::seconds(10));
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

}  // namespace

std::vector<std::string> harness_command(const plan::Plan& plan, const plan::PlanItem& item) {
  const auto& interp = plan.interpreters[item.interpreter];
  const auto& bench = plan.benchmarks[item.benchmark];
  std::vector<std::string> argv{interp.facts.path.string(), "-m", "ftbench"};
  if (bench.kind == "script") {
    argv.insert(argv.end(), {"run-script", bench.script_path});
  } else {
    argv.push_back(bench.id);
    argv.insert(argv.end(), {"--size", plan.size});
  }
  argv.insert(argv.end(), {"--threads", std::to_string(item.threads), "--channel-in", "3", "--channel-out", "4"});
  if (bench.kind == "script") {
    argv.push_back("--");
    argv.insert(argv.end(), bench.script_args.begin(), bench.script_args.end());
  }
  return argv;
}

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
  run.started_at = results::utc_now_iso8601();
  auto start = Clock::now();
  interrupted = false;
  Session session(item, ctx, run);
  session.execute(interrupted);
  run.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

}  // namespace ftbench::run
