#include "synthetic_history.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "analysis/statistics.h"
#include "history/nightly.h"
#include "history/store.h"
#include "os/digest.h"
#include "os/machine.h"
#include "report/report.h"
#include "util/enum_names.h"

namespace fs = std::filesystem;

namespace ftbench::testing {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// Where the events fall, scaled to the number of nights (a year: step on night 200, recovery
// on 266, ...). Histories shorter than 40 nights get none: too short for change points.
struct Events {
  bool on = false;
  int machine_change = -1;  // every cell ~3% faster from here (kernel update, same fingerprint)
  int step = -1;            // 3.13t scaling/object_churn_shared t4: +10% ...
  int recovery = -1;        // ... until here
  int speedup = -1;         // 3.13t(+GIL) bytecode/load_const: 8% faster (expected)
  int late = -1;            // 3.13t+GIL baseline/thread_creation t2: +15%, stays
  std::set<int> excluded;   // unfit nights: stored, values off, not evidence
};

Events events_for(int n) {
  Events e;
  if (n < 40) return e;
  const auto at = [n](int night_of_365) { return night_of_365 * n / 365; };
  e.on = true;
  e.machine_change = at(120);
  e.step = at(200);
  e.recovery = at(266);
  e.speedup = at(290);
  e.late = at(335);
  e.excluded = {at(45), at(45) + 1, at(150), at(310)};
  return e;
}

// The 3.13 builds are rebuilt every two weeks and on the nights something changed (a new
// interpreter commit explains a step, as in real life).
int build_of(int k, const Events& e) {
  int b = k / 14;
  for (int at : {e.step, e.recovery, e.speedup, e.late})
    if (e.on && k >= at && at % 14 != 0) ++b;
  return b;
}

std::string commit_of(int build) { return os::sha256_hex(fmt::format("cpython 3.13 branch build {}", build)).substr(0, 40); }

struct BenchmarkModel {
  const char* id;
  harness::Scaling scaling;
  bool single_thread;
  int64_t ops_per_thread;
  std::map<std::string, double> t1;  // ns per op at one thread, by interpreter
};

const std::vector<BenchmarkModel>& benchmarks() {
  using harness::Scaling;
  static const std::vector<BenchmarkModel> b{
      {"baseline/cpu", Scaling::weak, false, 200'000, {{"3.12", 62}, {"3.13", 62}, {"3.13t", 75}, {"3.13t+GIL", 76}}},
      {"bytecode/load_const", Scaling::weak, true, 200'000, {{"3.12", 11}, {"3.13", 10.5}, {"3.13t", 17}, {"3.13t+GIL", 17.2}}},
      {"baseline/thread_creation", Scaling::latency, false, 1'000,
       {{"3.12", 40e3}, {"3.13", 38e3}, {"3.13t", 180e3}, {"3.13t+GIL", 185e3}}},
      {"memory/ordering/false_sharing_baseline", Scaling::weak, false, 200'000,
       {{"3.12", 48}, {"3.13", 46}, {"3.13t", 58}, {"3.13t+GIL", 59}}},
      {"scaling/object_churn_shared", Scaling::weak, false, 200'000,
       {{"3.12", 210}, {"3.13", 200}, {"3.13t", 260}, {"3.13t+GIL", 262}}},
      {"scaling/parallel_compute", Scaling::strong, false, 2'400'000,
       {{"3.12", 100}, {"3.13", 95}, {"3.13t", 110}, {"3.13t+GIL", 112}}},
  };
  return b;
}

// Iteration time at n threads relative to one thread (as demo_run models them).
double thread_factor(const std::string& bench, bool gil, int n) {
  const double lg = std::log2(static_cast<double>(n));
  if (bench == "scaling/parallel_compute") return gil ? 1.0 + 0.03 * lg : 1.0 / (n * (1.0 - 0.05 * lg));
  if (bench == "scaling/object_churn_shared") return gil ? n * 1.05 : n * (1.0 + 0.55 * lg);
  if (bench == "memory/ordering/false_sharing_baseline") return gil ? n * 1.02 : 1.0 + 0.6 * lg;
  if (bench == "baseline/thread_creation") return gil ? n * 0.95 : 0.8;
  return gil ? n * 1.01 : 1.0 + 0.01 * lg;  // baseline/cpu: independent work per thread
}

// The injected events, as a factor on one cell's median.
double effect(int k, const Events& e, const std::string& label, const std::string& bench, int n) {
  double f = 1.0 + 0.0004 * (label == "3.13" && bench == "baseline/cpu" ? k : 0);  // slow drift: +15% in a year
  if (!e.on) return f;
  if (k >= e.machine_change) f *= 0.97;
  if (label == "3.13t" && bench == "scaling/object_churn_shared" && n == 4 && k >= e.step && k < e.recovery) f *= 1.10;
  if ((label == "3.13t" || label == "3.13t+GIL") && bench == "bytecode/load_const" && k >= e.speedup) f *= 0.92;
  if (label == "3.13t+GIL" && bench == "baseline/thread_creation" && n == 2 && k >= e.late) f *= 1.15;
  if (label == "3.12" && bench == "scaling/parallel_compute" && n == 2 && k == e.machine_change / 2) f *= 1.06;  // one bad night
  if (e.excluded.count(k)) f *= 1.2;  // the unfit night's numbers are off: that is why it is excluded
  return f;
}


}  // namespace

std::string night_created_at(int k) {
  const year_month_day d{sys_days{std::chrono::year{2025} / 12 / 1} + days{k}};
  return fmt::format("{:04d}-{:02d}-{:02d}T02:30:00Z", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

std::string night_run_id(int k) {
  const auto iso = night_created_at(k);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "-023000-nightly";
}

Events events_of(const SyntheticHistoryOptions& options) {
  return options.events ? events_for(options.nights) : Events{};
}

SyntheticRun synthetic_night(int k, const SyntheticHistoryOptions& options) {
  const auto e = events_of(options);
  SyntheticRun run(night_run_id(k), options.seed * 100'003 + static_cast<uint64_t>(k));
  auto& m = run.manifest();
  m.config_name = "nightly";
  m.created_at = night_created_at(k);
  m.finished_at = night_created_at(k).substr(0, 11) + "03:10:00Z";
  m.plan.repetitions.iterations = 2;
  const std::string v313 = k < options.nights / 2 ? "3.13.5" : "3.13.6";
  run.interpreter({"3.12", "3.12.7", false, true, {}, ""})
      .interpreter({"3.13", v313, false, false, {}, ""})
      .interpreter({"3.13t", v313, true, false, {}, ""})
      .interpreter({"3.13t+GIL", v313, true, false, {{"PYTHON_GIL", "1"}}, ""});
  // What the history records of each binary: its hash, and the source commit where known.
  const int build = build_of(k, e);
  for (auto& i : m.plan.interpreters) {
    auto& f = i.interpreter;
    if (i.label == "3.12") {
      f.sha256 = os::sha256_hex("python 3.12.7 distribution binary");
      continue;  // a distribution build: no commit known
    }
    f.source_commit = commit_of(build);
    f.sha256 = os::sha256_hex(fmt::format("binary {} ft={}", build, f.free_threaded_build));
  }
  for (const auto& b : benchmarks()) run.benchmark(b.id, b.scaling);

  Rng night_noise(options.seed * 7919 + static_cast<uint64_t>(k));
  const int processes = 3, iterations = 2;
  for (const auto& b : benchmarks())
    for (const auto& [label, base_ns] : b.t1) {
      const bool gil = label != "3.13t";
      for (int n : options.threads) {
        if (b.single_thread && n > 1) continue;
        const bool strong = b.scaling == harness::Scaling::strong;
        const int64_t ops = strong ? b.ops_per_thread : b.ops_per_thread * n;
        const double iteration_ns = base_ns * static_cast<double>(b.ops_per_thread) * thread_factor(b.id, gil, n) *
                                    effect(k, e, label, b.id, n) * std::exp(0.004 * night_noise.normal()) /
                                    options.speed;
        std::vector<SyntheticCounter> counters;
        if (options.counters) {
          const auto pmu = options.pmu ? perf::Status::counted : perf::Status::not_supported;
          const std::string why = options.pmu ? "" : "no PMU on this machine provides this event (ENOENT)";
          counters = {{"context-switches", (gil && n > 1 ? 4e-4 : 2e-6) * n, perf::Status::counted, "", 1.0},
                      {"hitm", !gil && n > 1 ? 0.05 : 1e-5, pmu, why, 1.0},
                      {"instructions", base_ns * 3.1, pmu, why, 1.0}};
        }
        run.cell(label, b.id, n, processes, iterations, ops, lognormal_draw(iteration_ns, 0.012, 0.006), counters);
      }
    }
  return run;
}

SyntheticHistory write_synthetic_history(const fs::path& dir, const SyntheticHistoryOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const auto e = events_of(options);
  SyntheticHistory out;
  out.database = dir / "history.sqlite";
  out.results = dir / "results";
  fs::create_directories(dir);
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(out.database.string() + suffix, ec);

  // Regressions (detected night, first bad night) and the nights that keep a run directory.
  struct Planned {
    std::string series;
    int first_bad, detected;
    history::RegressionState state;
    history::Direction direction;
    std::string note;
    int gap = 0;  // nights between the reference window and the first bad night (a drift is seen from afar)
  };
  using State = history::RegressionState;
  using history::Direction;
  std::vector<Planned> planned;
  const int last = options.nights - 1;
  if (e.on) {
    out.step_series = "3.13t scaling/object_churn_shared t4 time_per_op";
    planned = {
        {out.step_series, e.step, e.step + 2, State::fixed, Direction::slower,
         "back to its level on " + night_run_id(e.recovery) + " (new 3.13 build)", 0},
        {"3.13t/3.13 scaling/object_churn_shared t4 ratio", e.step, e.step + 2, State::acknowledged, Direction::slower,
         "same cause as the 3.13t time_per_op regression", 0},
        {"3.12 scaling/parallel_compute t2 time_per_op", e.machine_change / 2, e.machine_change / 2, State::cleared,
         Direction::slower, "", 0},
        {"3.13t bytecode/load_const t1 time_per_op", e.speedup, e.speedup + 1, State::expected, Direction::faster,
         "specialization enabled in the free-threaded build", 0},
        {"3.13t+GIL baseline/thread_creation t2 time_per_op", e.late, e.late + 2, State::confirmed, Direction::slower, "", 0},
        {"3.13 baseline/cpu t1 time_per_op", last, last, State::suspect, Direction::slower, "", 150},
    };
  }
  std::set<int> with_dir;
  for (int k = std::max(0, options.nights - options.recent_run_dirs); k < options.nights; ++k) with_dir.insert(k);
  for (const auto& p : planned) with_dir.insert(p.detected);
  const int pruned = e.on ? e.machine_change / 2 : -1;  // the cleared regression's night: its link must go

  auto store = history::HistoryStore::open(out.database);
  std::vector<int64_t> night_ids;
  const auto night_at = [&night_ids](int k) { return night_ids.at(static_cast<size_t>(k)); };
  os::MachineInfo machine;
  for (int k = 0; k < options.nights; ++k) {
    auto run = synthetic_night(k, options);
    if (k == 0) machine = options.machine ? *options.machine : run.manifest().machine;
    run.manifest().machine = machine;  // one machine: the fingerprint must match every night
    fs::path run_dir = out.results / run.manifest().run_id;  // absent unless written below (removed by the nightly job)
    if (with_dir.count(k)) {
      if (options.write_runs)
        run_dir = run.write(out.results);
      else
        fs::create_directories(run_dir);
      if (options.real_dashboards && options.write_runs) {
        const auto model = report::build_model(run.manifest(), run.runs());
        const auto written = report::write_reports(model, run_dir, {config::OutputFormat::html}, std::nullopt);
        if (!written.dashboard) std::ofstream(run_dir / "dashboard.html") << "<!doctype html><title>no assets</title>\n";
      } else {
        std::ofstream(run_dir / "dashboard.html") << "<!doctype html><title>" << run.manifest().run_id << "</title>\n";
      }
      out.run_dirs.push_back(run.manifest().run_id);
    }
    night_ids.push_back(store.ingest(run.manifest(), run.runs(), {run_dir, "", false, ""}).night_id);
  }
  for (int k : e.excluded) {
    store.set_excluded(night_at(k), true,
                       k % 2 ? "preflight: turbo boost on (expected off)" : "machine drift: load average 3.2 before the run");
    ++out.excluded;
  }
  if (pruned >= 0) {
    store.set_pruned(night_at(pruned));
    out.pruned_run = night_run_id(pruned);
  }
  const int64_t machine_id = store.machines().front().id;

  if (e.on) {
    const std::vector<history::Annotation> notes{
        {0, machine_id, "*", night_at(e.machine_change), "machine_change",
         "kernel 6.8.0 -> 6.8.12 (same fingerprint): every series about 3% faster", ""},
        {0, 0, "3.13t* bytecode/*", night_at(e.speedup), "expected_step",
         "3.13t: specialization enabled in the free-threaded build (expected faster)", ""},
        {0, machine_id, "3.13t scaling/object_churn_shared *", night_at(e.step), "note",
         "investigating: mimalloc page reuse under contention", ""},
    };
    for (const auto& a : notes) store.add_annotation(a);
    out.annotations = static_cast<int>(notes.size());
  }
  history::update_change_points(store, machine_id, history::ChangePointSettings{});

  std::map<std::string, int64_t> series_by_name;
  for (const auto& s : store.series(machine_id)) series_by_name[s.identity.name()] = s.id;
  for (const auto& p : planned) {
    const auto it = series_by_name.find(p.series);
    if (it == series_by_name.end()) throw std::runtime_error("synthetic history: no series " + p.series);
    // The ratio the detector would have seen: the evidence nights over the 14 good nights before.
    std::vector<double> before, after;
    for (const auto& point : store.points(it->second, false)) {
      if (point.excluded) continue;
      const auto k = std::find(night_ids.begin(), night_ids.end(), point.night_id) - night_ids.begin();
      if (k < p.first_bad - p.gap && k >= p.first_bad - p.gap - 14) before.push_back(point.value);
      if (k >= p.first_bad && k <= p.detected) after.push_back(point.value);
    }
    history::RegressionRecord r;
    r.series_id = it->second;
    r.detected_night_id = night_at(p.detected);
    if (p.state != State::suspect) r.first_bad_night_id = night_at(p.first_bad);  // a suspect has not been placed yet
    r.state = p.state;
    r.direction = p.direction;
    r.ratio = before.empty() || after.empty() ? 1.0 : analysis::median(after) / analysis::median(before);
    r.low = r.ratio * 0.97;
    r.high = r.ratio * 1.03;
    r.p_value = 2e-4;
    r.q_value = 3e-3;
    r.nights_of_evidence = p.detected - p.first_bad + 1;
    const int b0 = build_of(p.first_bad - 1, e), b1 = build_of(p.first_bad, e);
    if (p.series.rfind("3.12", 0) != 0 && b0 != b1) r.commit_range = commit_of(b0).substr(0, 12) + ".." + commit_of(b1).substr(0, 12);
    r.counters = p.state == State::cleared ? "[]" : fmt::format("[\"cpu_per_op {:.2f}x\"]", r.ratio);
    if (p.state == State::confirmed || p.state == State::cleared || p.state == State::fixed)
      r.confirmation = fmt::format(R"({{"mode":"rerun","verdict":"{}","ratio":{:.3f},"processes":6,"rounds":1}})",
                                   p.state == State::cleared ? "cleared" : "confirmed", p.state == State::cleared ? 1.004 : r.ratio);
    r.note = p.note;
    store.add_regression(r);
    out.regression_states.push_back(std::string(util::name(p.state)));
    if (p.state == State::suspect || p.state == State::confirmed) ++out.open_regressions;
  }
  out.regressions = static_cast<int>(planned.size());
  out.nights = options.nights;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace ftbench::testing
