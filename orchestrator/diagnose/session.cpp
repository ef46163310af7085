#include "diagnose/session.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/catalog.h"
#include "harness/workloads.h"
#include "os/files.h"
#include "perf/write_recorder.h"
#include "util/error.h"
#include "util/strings.h"

namespace ftbench::diagnose {
namespace {

using Clock = std::chrono::steady_clock;
using Status = run::Connection::Received::Status;

uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// The harness channel for one diagnose process: launch, hello, start, then iterations the
// caller drives one at a time; any failure becomes `problem` and ends the process.
class Driver {
 public:
  Driver(const ProcessSpec& spec, run::Launcher& launcher, const std::string& tier)
      : spec_(spec),
        deadline_(Clock::now() + std::chrono::milliseconds(static_cast<long long>(spec.timeout_seconds * 1000))) {
    run::LaunchRequest request;
    request.argv = harness::harness_command(spec.interpreter.interpreter.path, spec.benchmark, spec.threads, spec.size);
    // Before a script's own arguments ("--"), so the harness, not the script, reads it.
    const auto dd = std::find(request.argv.begin(), request.argv.end(), "--");
    request.argv.insert(dd, "--diagnose");
    request.env = harness::child_environment(spec.interpreter.env, spec.workloads_dir, spec.pycache_dir);
    // Labels are distinct in a plan; their file names must be too ("a/b" and "a_b").
    const auto stem = "diagnose-" + util::distinct_file_name_part(spec.interpreter.label) + "-" + tier;
    request.stdout_path = spec.log_dir / (stem + ".stdout");
    request.stderr_path = spec.log_dir / (stem + ".stderr");
    request.cpus = spec.cpus;
    stderr_path_ = request.stderr_path;
    child_ = launcher.launch(request);
  }
  ~Driver() {
    if (child_ && !finished_) child_->kill();
  }

  const std::string& problem() const { return problem_; }
  bool interrupted() const { return interrupted_; }
  // The status a failure ends the tier with.
  TierStatus failure() const { return interrupted_ ? TierStatus::interrupted : TierStatus::failed; }
  bool gil_enabled() const { return gil_enabled_; }

  // hello -> start; false on failure.
  bool start() {
    auto hello = expect<harness::Hello>();
    if (!hello) return false;
    gil_enabled_ = hello->interpreter.gil_enabled;
    if (!hello->workload.ops_per_iteration) {
      expect<harness::Bye>();
      return fail(problem_.empty() ? "the workload could not be loaded" : problem_);
    }
    return send(harness::Start{});
  }

  std::optional<harness::Ready> ready(int iteration) {
    auto r = expect<harness::Ready>();
    if (r && r->iteration != iteration) {
      fail(fmt::format("protocol violation: 'ready' for iteration {}, expected {}", r->iteration, iteration));
      return std::nullopt;
    }
    return r;
  }

  // go, then answer every mid-region `watch` with on_watch() and `armed`, until `done`.
  std::optional<harness::Done> go(int iteration, const std::function<void(const harness::Watch&)>& on_watch) {
    if (!send(harness::Go{iteration, false})) return std::nullopt;
    while (true) {
      auto in = receive();
      if (!in) return std::nullopt;
      if (auto* w = std::get_if<harness::Watch>(&*in)) {
        if (on_watch) on_watch(*w);
        if (!send(harness::Armed{w->iteration})) return std::nullopt;
        continue;
      }
      if (auto* d = std::get_if<harness::Done>(&*in)) {
        gil_enabled_ = d->report.gil_enabled;
        return std::move(*d);
      }
      unexpected(*in, "done");
      return std::nullopt;
    }
  }

  bool next(int iteration, bool last) {
    if (!last) return send(harness::Ack{iteration});
    if (!send(harness::Stop{})) return false;
    if (!expect<harness::Bye>()) return false;
    finished_ = true;
    const auto status = child_->wait_for(std::chrono::seconds(10));
    if (!status) child_->kill();
    return true;
  }

  bool fail(const std::string& why) {
    if (problem_.empty()) {
      problem_ = why;
      const auto tail = os::tail_of_file(stderr_path_);
      if (!tail.empty()) problem_ += " (stderr: " + util::last_nonempty_line(tail) + ")";
    }
    if (child_ && !finished_) {
      child_->kill();
      finished_ = true;
    }
    return false;
  }

 private:
  bool send(const harness::Command& c) {
    if (child_->send(c)) return true;
    return fail("the child closed its channel before receiving " + harness::render(c));
  }

  std::optional<harness::ChildMessage> receive() {
    while (true) {
      auto in = child_->receive(deadline_);
      if (spec_.stop_signal && spec_.stop_signal->load() != 0) {
        interrupted_ = true;
        fail("interrupted by signal");
        return std::nullopt;
      }
      switch (in.status) {
        case Status::interrupted:
          continue;
        case Status::message:
          if (auto* e = std::get_if<harness::Error>(&*in.message)) {
            fail("the workload reported an error in " + std::string(util::name(e->phase)) + ": " + e->message);
            return std::nullopt;
          }
          return std::move(in.message);
        case Status::garbage:
          fail("garbage on the harness channel: " + in.problem);
          return std::nullopt;
        case Status::timeout:
          fail(fmt::format("timed out after {:.0f} s (watched iterations are slow: lower --trap-budget or use a "
                           "smaller --size)",
                           spec_.timeout_seconds));
          return std::nullopt;
        case Status::closed: {
          const auto status = child_->wait_for(std::chrono::seconds(2));
          finished_ = true;
          fail("the child exited early (" + (status ? status->describe() : std::string("channel closed")) + ")");
          return std::nullopt;
        }
      }
    }
  }

  void unexpected(const harness::ChildMessage& m, const std::string& wanted) {
    fail("protocol violation: expected '" + wanted + "', got '" + std::string(harness::type_name(m)) + "'");
  }

  template <class M>
  std::optional<M> expect() {
    auto in = receive();
    if (!in) return std::nullopt;
    if (auto* m = std::get_if<M>(&*in)) return std::move(*m);
    unexpected(*in, std::string(harness::type_name(harness::ChildMessage(M{}))));
    return std::nullopt;
  }

  const ProcessSpec& spec_;
  Clock::time_point deadline_;
  std::unique_ptr<run::Connection> child_;
  std::filesystem::path stderr_path_;
  std::string problem_;
  bool gil_enabled_ = false;
  bool finished_ = false;
  bool interrupted_ = false;
};

// Ends a tier's outcome: its status, why, and how long it took.
template <class Outcome>
Outcome conclude(Outcome& out, Clock::time_point started, TierStatus status, std::string message) {
  out.status = status;
  out.message = std::move(message);
  out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return out;
}

void merge_candidates(std::vector<harness::WatchCandidate>& into, const std::vector<harness::WatchCandidate>& more) {
  for (const auto& c : more) {
    auto same = std::find_if(into.begin(), into.end(), [&](const auto& x) { return x.key == c.key; });
    if (same == into.end())
      into.push_back(c);
    else
      *same = c;  // a script run made it again: the newest address counts
  }
}

class RecorderWords final : public ArmedWords {
 public:
  explicit RecorderWords(perf::WriteRecorder recorder) : recorder_(std::move(recorder)) {}
  void enable() override { recorder_.enable(); }
  Result finish() override {
    auto rec = recorder_.finish();
    Result out;
    out.lost = rec.lost;
    out.throttled = rec.throttled;
    out.budget_reached = rec.budget_reached;
    out.writes.reserve(rec.records.size());
    for (const auto& r : rec.records) out.writes.push_back({static_cast<int64_t>(r.tid), r.time_ns, r.address});
    if (!rec.records.empty()) out.last_ns = rec.records.back().time_ns;
    return out;
  }

 private:
  perf::WriteRecorder recorder_;
};

}  // namespace

WordArmer hardware_armer(std::vector<int> cpus) {
  return [cpus](const std::vector<int64_t>& tids, const std::vector<uint64_t>& addresses,
                uint64_t max_records) -> std::unique_ptr<ArmedWords> {
    std::vector<pid_t> t(tids.begin(), tids.end());
    std::vector<perf::WatchedWord> words;
    for (const auto a : addresses) words.push_back(perf::WatchedWord{static_cast<std::uintptr_t>(a), 8});
    return std::make_unique<RecorderWords>(perf::WriteRecorder::arm(t, words, cpus, max_records));
  };
}

WatchOutcome watch_writes(const ProcessSpec& spec, const WatchSettings& settings, run::Launcher& launcher,
                          const WordArmer& armer) {
  WatchOutcome out;
  const auto started = Clock::now();
  auto finish = [&](TierStatus status, std::string message) { return conclude(out, started, status, std::move(message)); };
  std::unique_ptr<Driver> driver;
  try {
    driver = std::make_unique<Driver>(spec, launcher, "watch");
  } catch (const UserError& e) {
    return finish(TierStatus::failed, e.what());
  }
  if (!driver->start()) return finish(driver->failure(), driver->problem());

  // Iteration 0: the probe. Nothing armed; the harness reports which buffer words changed.
  auto ready = driver->ready(0);
  if (!ready) return finish(driver->failure(), driver->problem());
  out.candidates = ready->candidates;
  auto probe = driver->go(0, [&](const harness::Watch& w) { merge_candidates(out.candidates, w.candidates); });
  if (!probe) return finish(driver->failure(), driver->problem());
  merge_candidates(out.candidates, probe->candidates);
  out.gil_enabled = driver->gil_enabled();
  out.plan = analysis::plan_watch(out.candidates, probe->written, settings.plan);
  if (ready->truncated || probe->truncated)
    out.plan.notes.push_back("the harness lists at most 256 candidates and found more: name what matters with "
                             "ftbench.watch(obj), named candidates come first");
  for (const auto& c : out.candidates)
    if (c.address == 0 && !c.note.empty()) out.plan.notes.push_back(c.key + " not watched: " + c.note);
  if (out.plan.windows.empty()) {
    driver->next(0, true);
    if (out.candidates.empty())
      return finish(TierStatus::unavailable,
                    "no candidates found: nothing reachable from the workload instance or the script's globals, and "
                    "no ftbench.watch() call (name what the threads write with ftbench.watch(obj))");
    return finish(TierStatus::done, fmt::format("nothing to watch: none of the {} candidates' buffers changed in the "
                                                "probe iteration and their objects are immortal",
                                                out.candidates.size()));
  }
  const auto windows = out.plan.windows.size();
  out.max_records_per_window = std::max<uint64_t>(
      1000, static_cast<uint64_t>(std::llround(settings.trap_budget_s / settings.trap_cost_s / static_cast<double>(windows))));
  if (!driver->next(0, false)) return finish(driver->failure(), driver->problem());

  for (size_t w = 0; w < windows; ++w) {
    const int k = static_cast<int>(w) + 1;
    const bool last = w + 1 == windows;
    ready = driver->ready(k);
    if (!ready) return finish(driver->failure(), driver->problem());
    analysis::WatchedIteration it;
    it.window = static_cast<int>(w);
    it.candidates = out.candidates;
    merge_candidates(it.candidates, ready->candidates);
    out.worker_tids = ready->tids;
    std::vector<std::unique_ptr<ArmedWords>> armed;
    std::vector<bool> resolved(out.plan.windows[w].words.size(), false);
    // The window's trap budget is shared by everything armed in it: the workers at ready, and
    // each thread that registers candidates mid-region (a script's runs: one share each).
    uint64_t budget_left = out.max_records_per_window;
    const uint64_t share = spec.benchmark.kind == harness::Kind::script
                               ? std::max<uint64_t>(1, out.max_records_per_window / static_cast<uint64_t>(std::max(1, spec.threads)))
                               : out.max_records_per_window;
    // Arms the window's words found in `candidates` on `tids`; a failure to arm ends the tier
    // with the kernel's reason (ENOSPC: debug registers taken; EACCES: paranoid).
    auto arm = [&](const std::vector<harness::WatchCandidate>& candidates, const std::vector<int64_t>& tids) {
      std::vector<uint64_t> addresses;
      for (size_t i = 0; i < resolved.size(); ++i) {
        if (resolved[i]) continue;
        if (const auto a = analysis::resolve_word(out.plan.windows[w].words[i], candidates)) {
          resolved[i] = true;
          addresses.push_back(*a);
          it.words.push_back(out.plan.windows[w].words[i]);
          it.addresses.push_back(*a);
        }
      }
      if (addresses.empty() || tids.empty()) return;
      if (budget_left == 0) {
        it.budget_reached = true;  // nothing left for this window: its words stay unwatched
        return;
      }
      const auto budget = std::min(budget_left, share);
      budget_left -= budget;
      armed.push_back(armer(tids, addresses, budget));
      armed.back()->enable();
    };
    std::string arm_error;
    try {
      // Only what exists now: a script's objects of earlier runs are gone (their words are
      // armed when this run's `watch` names them again).
      arm(ready->candidates, ready->tids);
    } catch (const std::exception& e) {
      arm_error = e.what();
    }
    if (!arm_error.empty()) {
      driver->fail("watchpoints refused");
      return finish(TierStatus::unavailable, "hardware watchpoints not available: " + arm_error);
    }
    const auto go_ns = monotonic_ns();
    auto done = driver->go(k, [&](const harness::Watch& m) {
      merge_candidates(it.candidates, m.candidates);
      merge_candidates(out.candidates, m.candidates);
      if (!arm_error.empty()) return;
      try {
        arm(m.candidates, {m.tid});
      } catch (const std::exception& e) {
        arm_error = e.what();
      }
    });
    const auto done_ns = monotonic_ns();
    for (auto& a : armed) {
      auto r = a->finish();
      it.lost += r.lost;
      it.throttled += r.throttled;
      it.budget_reached = it.budget_reached || r.budget_reached;
      it.writes.insert(it.writes.end(), r.writes.begin(), r.writes.end());
      if (r.budget_reached && r.last_ns > go_ns && done_ns > go_ns)
        it.coverage = std::min(it.coverage, static_cast<double>(r.last_ns - go_ns) / static_cast<double>(done_ns - go_ns));
    }
    std::sort(it.writes.begin(), it.writes.end(),
              [](const analysis::WriteEvent& a, const analysis::WriteEvent& b) { return a.time_ns < b.time_ns; });
    out.traps += it.writes.size();
    if (!done) return finish(driver->failure(), driver->problem());
    if (!arm_error.empty()) {
      driver->fail("watchpoints refused");
      return finish(TierStatus::unavailable, "hardware watchpoints not available: " + arm_error);
    }
    it.ops = done->report.ops;
    merge_candidates(out.candidates, done->candidates);
    out.iterations.push_back(std::move(it));
    if (!driver->next(k, last)) return finish(driver->failure(), driver->problem());
  }
  return finish(TierStatus::done, "");
}

SampleOutcome sample_memory(const ProcessSpec& spec, const perf::SamplingPlan& plan, run::Launcher& launcher,
                            uint64_t max_samples) {
  SampleOutcome out;
  const auto started = Clock::now();
  auto finish = [&](TierStatus status, std::string message) { return conclude(out, started, status, std::move(message)); };
  if (plan.status != perf::Status::counted) return finish(TierStatus::unavailable, plan.message);
  std::unique_ptr<Driver> driver;
  try {
    driver = std::make_unique<Driver>(spec, launcher, "sample");
  } catch (const UserError& e) {
    return finish(TierStatus::failed, e.what());
  }
  if (!driver->start()) return finish(driver->failure(), driver->problem());
  // Iteration 0 warms up (imports, specialisation); iteration 1 is sampled.
  for (int k = 0; k < 2; ++k) {
    auto ready = driver->ready(k);
    if (!ready) return finish(driver->failure(), driver->problem());
    std::optional<perf::MemorySampler> sampler;
    if (k == 1) {
      out.candidates = ready->candidates;
      out.worker_tids = ready->tids;
      std::vector<pid_t> tids(ready->tids.begin(), ready->tids.end());
      try {
        sampler.emplace(perf::MemorySampler::arm(plan, tids, spec.cpus, max_samples));
        sampler->enable();
      } catch (const std::exception& e) {
        driver->fail("sampling refused");
        return finish(TierStatus::unavailable, std::string("memory sampling not available: ") + e.what());
      }
    }
    auto done = driver->go(k, nullptr);
    if (sampler) out.samples = sampler->finish().samples;
    if (!done) return finish(driver->failure(), driver->problem());
    if (!driver->next(k, k == 1)) return finish(driver->failure(), driver->problem());
  }
  return finish(TierStatus::done, "");
}

}  // namespace ftbench::diagnose
