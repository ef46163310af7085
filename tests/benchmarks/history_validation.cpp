// Validation of the nightly detector on this machine's real noise (docs/history.md prints
// its figures; scripts/history-benchmark runs it). Nights are resampled from real recorded
// nights: a synthetic night picks one real night (so that night's machine state comes along)
// and draws each cell's processes from that night's processes of the cell, with replacement.
// The confirmation runner draws its extra processes the same way from the same night.
//
//   history_validation aa     --source H --nights N [--seed S]
//       false alarms over N resampled nights (after 20 warm-up nights)
//   history_validation steps  --source H --trials T --steps 0.02,0.05,0.10 [--seed S]
//       a step of each size injected into one random cell: recall within 1 and within 5
//       nights, nights until confirmed, distance of the reported first bad night
//   history_validation year   --source H --nights 365 --out DB [--seed S]
//       a year of nights written to DB (a few injected steps): ingest and judge time per
//       night, database size per night; `orchestrate history html/regressions` then time it
//
// H is a history database whose nights' run directories still exist (the real nights).
// Output: one "key: value" line per figure, for the script to collect.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analysis/statistics.h"
#include "config/config.h"
#include "history/nightly.h"
#include "history/store.h"
#include "os/logging.h"
#include "results/run_store.h"
#include "util/strings.h"

namespace fs = std::filesystem;
using namespace ftbench;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct CellKey {
  std::string interpreter;
  std::string benchmark;
  int threads = 1;
  auto operator<=>(const CellKey&) const = default;
};

struct RealNight {
  results::Manifest manifest;
  std::map<CellKey, std::vector<results::ProcessRun>> processes;  // ok processes of each cell
};

std::vector<RealNight> load_real_nights(const fs::path& source) {
  auto store = history::HistoryStore::open(source);
  std::vector<RealNight> out;
  for (const auto& n : store.nights()) {
    if (n.excluded || n.run_dir.empty()) continue;
    try {
      auto loaded = results::load_run_directory(n.run_dir);
      RealNight r;
      r.manifest = loaded.manifest;
      for (auto& p : loaded.runs)
        if (p.status == results::RunStatus::ok) r.processes[{p.interpreter, p.benchmark, p.threads}].push_back(p);
      out.push_back(std::move(r));
    } catch (const std::exception& e) {
      fmt::print(stderr, "skipped {}: {}\n", n.run_dir, e.what());
    }
  }
  if (out.empty()) throw std::runtime_error("no usable real nights in " + source.string());
  return out;
}

std::string iso_day(int day) {
  std::tm base{};
  base.tm_year = 2025 - 1900;
  base.tm_mday = 1;
  base.tm_hour = 2;
  const std::time_t t = ::timegm(&base) + static_cast<std::time_t>(day) * 86400;
  std::tm out{};
  ::gmtime_r(&t, &out);
  return fmt::format("{:04}-{:02}-{:02}T02:00:00Z", out.tm_year + 1900, out.tm_mon + 1, out.tm_mday);
}

// A step injected into one cell from one night on.
struct Injection {
  CellKey cell;
  int from_day = 0;
  double factor = 1;
};

void scale(results::ProcessRun& p, double factor) {
  for (auto& it : p.iterations) {
    it.region_ns = static_cast<int64_t>(std::llround(static_cast<double>(it.region_ns) * factor));
    for (auto& t : it.threads) {
      t.wall_ns = static_cast<int64_t>(std::llround(static_cast<double>(t.wall_ns) * factor));
      t.cpu_ns = static_cast<int64_t>(std::llround(static_cast<double>(t.cpu_ns) * factor));
    }
  }
}

double factor_for(const std::vector<Injection>& injections, const CellKey& cell, int day) {
  double f = 1;
  for (const auto& i : injections)
    if (i.cell == cell && day >= i.from_day) f *= i.factor;
  return f;
}

class Resampler {
 public:
  Resampler(std::vector<RealNight> real, uint64_t seed) : real_(std::move(real)), rng_(seed) {}

  // One synthetic night: the manifest of a random real night under a new run id and date, its
  // plan's processes each replaced by a draw from the same cell of that night.
  std::pair<results::Manifest, std::vector<results::ProcessRun>> night(int day, const std::vector<Injection>& inj) {
    current_ = std::uniform_int_distribution<size_t>(0, real_.size() - 1)(rng_);
    const auto& r = real_[current_];
    auto m = r.manifest;
    m.run_id = fmt::format("{}-synthetic-{:04}", iso_day(day).substr(0, 10), day);
    m.created_at = iso_day(day);
    m.finished_at = iso_day(day);
    m.status = results::RunState::complete;
    std::vector<results::ProcessRun> runs;
    for (const auto& item : m.plan.items) {
      const CellKey cell{m.plan.interpreters[item.interpreter].label, m.plan.benchmarks[item.benchmark].id, item.threads};
      const auto it = r.processes.find(cell);
      if (it == r.processes.end() || it->second.empty()) continue;
      auto p = draw(it->second);
      p.item_id = m.plan.item_id(item);
      p.sequence = item.sequence;
      p.round = item.round;
      p.process_index = item.process_index;
      scale(p, factor_for(inj, cell, day));
      runs.push_back(std::move(p));
    }
    day_ = day;
    return {m, runs};
  }

  // Extra processes for a confirmation batch, from tonight's real night.
  history::ConfirmationResult confirm(const history::ConfirmationBatch& batch, const std::vector<Injection>& inj) {
    const auto& r = real_[current_];
    results::Manifest m = r.manifest;
    std::vector<results::ProcessRun> runs;
    history::ConfirmationResult out;
    for (const auto& i : batch.interpreters) {
      const std::string label = i.label.substr(0, i.label.find('@'));
      for (const auto& b : batch.benchmarks)
        for (int t : batch.threads) {
          const CellKey cell{label, b, t};
          const auto it = r.processes.find(cell);
          if (it == r.processes.end() || it->second.empty()) continue;
          std::vector<double> units;
          for (int k = 0; k < batch.processes; ++k) {
            auto p = draw(it->second);
            scale(p, factor_for(inj, cell, day_));
            out.seconds += p.duration_s;
            units.push_back(process_median(p));
          }
          out.units[{i.label, b, t}] = units;
        }
    }
    return out;
  }

 private:
  const results::ProcessRun& draw(const std::vector<results::ProcessRun>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)];
  }

 public:
  // The process's median time per operation, as analysis computes it (measured iterations).
  static double process_median(const results::ProcessRun& p) {
    std::vector<double> v;
    for (const auto& it : p.iterations)
      if (!it.warmup && it.ops > 0) v.push_back(static_cast<double>(it.region_ns) / static_cast<double>(it.ops));
    return v.empty() ? 0 : analysis::median(std::move(v));
  }

 private:
  std::vector<RealNight> real_;
  std::mt19937_64 rng_;
  size_t current_ = 0;
  int day_ = 0;
};

history::Preflight fit() {
  history::Preflight p;
  p.usable_cpus = 2;
  return p;
}

history::NightlyReport run_night(history::HistoryStore& store, Resampler& rs, int day, const std::vector<Injection>& inj,
                                 double* ingest_seconds = nullptr) {
  auto [m, runs] = rs.night(day, inj);
  history::NightInput in;
  in.manifest = m;
  in.runs = runs;
  in.run_dir = "/nonexistent/" + m.run_id;
  in.preflight = fit();
  in.run_seconds = 0;
  for (const auto& r : runs) in.run_seconds += r.duration_s;
  const auto started = Clock::now();
  auto report = history::process_night(store, in, history::nightly_settings(config::History{}),
                                       [&](const history::ConfirmationBatch& b) { return rs.confirm(b, inj); });
  if (ingest_seconds) *ingest_seconds = seconds_since(started);
  return report;
}

std::vector<CellKey> time_cells(const RealNight& r) {
  std::vector<CellKey> out;
  for (const auto& [k, v] : r.processes)
    if (!v.empty()) out.push_back(k);
  return out;
}

struct Args {
  std::string mode;
  fs::path source;
  fs::path out;
  int nights = 100;
  int trials = 50;
  int warmup = 20;
  std::vector<double> steps{0.02, 0.05, 0.10};
  uint64_t seed = 1;
};

Args parse(int argc, char** argv) {
  Args a;
  if (argc < 2) throw std::runtime_error("usage: history_validation aa|steps|year --source H [...]");
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--source") a.source = v;
    else if (k == "--out") a.out = v;
    else if (k == "--nights") a.nights = std::stoi(v);
    else if (k == "--trials") a.trials = std::stoi(v);
    else if (k == "--warmup") a.warmup = std::stoi(v);
    else if (k == "--seed") a.seed = std::stoull(v);
    else if (k == "--steps") {
      a.steps.clear();
      for (const auto& s : util::split_commas({v})) a.steps.push_back(std::stod(s));
    } else throw std::runtime_error("unknown option " + k);
  }
  return a;
}

int aa(const Args& a) {
  const auto real = load_real_nights(a.source);
  Resampler rs(real, a.seed);
  const fs::path dir = fs::temp_directory_path() / fmt::format("ftbench-aa-{}", a.seed);
  fs::remove_all(dir);
  auto store = history::HistoryStore::open(dir / "h.sqlite");
  int confirmed = 0, improvements = 0, suspects = 0, cleared = 0, drift = 0;
  size_t series = 0;
  double confirm_seconds = 0, run_seconds = 0;
  for (int d = 0; d < a.warmup + a.nights; ++d) {
    const auto r = run_night(store, rs, d, {});
    if (d < a.warmup) continue;
    confirmed += static_cast<int>(r.new_regressions.size());
    improvements += static_cast<int>(r.new_improvements.size());
    suspects += static_cast<int>(r.new_regressions.size() + r.new_improvements.size() + r.open_suspects.size() +
                                 r.cleared.size());
    cleared += static_cast<int>(r.cleared.size());
    drift += r.drift ? 1 : 0;
    series = std::max(series, r.series_tested);
    confirm_seconds += r.confirm_seconds;
  }
  for (const auto& n : real)
    for (const auto& [k, v] : n.processes)
      for (const auto& p : v) run_seconds += p.duration_s / static_cast<double>(real.size());
  fmt::print("real_nights: {}\nresampled_nights: {}\nseries_judged_per_night: {}\n", real.size(), a.nights, series);
  fmt::print("suspects_per_night: {:.3f}\n", suspects / static_cast<double>(a.nights));
  fmt::print("cleared_by_confirmation: {}\n", cleared);
  fmt::print("confirmed_false_regressions: {}\nconfirmed_false_improvements: {}\n", confirmed, improvements);
  fmt::print("false_regressions_per_100_nights: {:.2f}\n", 100.0 * confirmed / a.nights);
  fmt::print("nights_reporting_drift: {}\n", drift);
  fmt::print("confirmation_share_of_night: {:.3f}\n", run_seconds > 0 ? confirm_seconds / a.nights / run_seconds : 0.0);
  fs::remove_all(dir);
  return 0;
}

// How much a cell's nightly median moves from real night to real night: the stdev of the log
// of the median of its process medians. Steps are reported for the quieter and the noisier
// half of the cells apart: what a step of a given size gets depends on the series' own noise.
std::map<CellKey, double> night_spread(const std::vector<RealNight>& real) {
  std::map<CellKey, std::vector<double>> logs;
  for (const auto& n : real)
    for (const auto& [k, v] : n.processes) {
      std::vector<double> m;
      for (const auto& p : v) m.push_back(Resampler::process_median(p));
      const double median = m.empty() ? 0 : analysis::median(std::move(m));
      if (median > 0) logs[k].push_back(std::log(median));
    }
  std::map<CellKey, double> out;
  for (const auto& [k, v] : logs) {
    if (v.size() < 2) continue;
    double mean = 0, ss = 0;
    for (double x : v) mean += x / static_cast<double>(v.size());
    for (double x : v) ss += (x - mean) * (x - mean);
    out[k] = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return out;
}

int steps(const Args& a) {
  const auto real = load_real_nights(a.source);
  const auto cells = time_cells(real.front());
  const auto spread = night_spread(real);
  std::vector<double> spreads;
  for (const auto& [k, v] : spread) spreads.push_back(v);
  std::sort(spreads.begin(), spreads.end());
  const double median_spread = spreads.empty() ? 0 : spreads[spreads.size() / 2];
  fmt::print("cells_night_to_night_sd_median: {:.3f}\ncells_night_to_night_sd_p10: {:.3f}\ncells_night_to_night_sd_p90: {:.3f}\n",
             median_spread, spreads.empty() ? 0 : spreads[spreads.size() / 10],
             spreads.empty() ? 0 : spreads[spreads.size() * 9 / 10]);
  std::mt19937_64 rng(a.seed);
  // One warm-up history, copied for every trial.
  const fs::path dir = fs::temp_directory_path() / fmt::format("ftbench-steps-{}", a.seed);
  fs::remove_all(dir);
  fs::create_directories(dir);
  Resampler warm(real, a.seed);
  {
    auto store = history::HistoryStore::open(dir / "warm.sqlite");
    for (int d = 0; d < a.warmup; ++d) run_night(store, warm, d, {});
    store.database().execute("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  for (double step : a.steps) {
    int first_night = 0, within5 = 0, trials = 0;
    int quiet_trials = 0, quiet_first = 0, quiet_within5 = 0;
    std::vector<int> nights_needed, first_bad_error;
    for (int t = 0; t < a.trials; ++t) {
      const auto cell = cells[std::uniform_int_distribution<size_t>(0, cells.size() - 1)(rng)];
      const fs::path file = dir / "trial.sqlite";
      fs::remove(file);
      fs::remove(dir / "trial.sqlite-wal");
      fs::remove(dir / "trial.sqlite-shm");
      fs::copy_file(dir / "warm.sqlite", file);
      auto store = history::HistoryStore::open(file);
      Resampler rs(real, a.seed * 1000 + static_cast<uint64_t>(t));
      const std::vector<Injection> inj{{cell, a.warmup, 1 + step}};
      const std::string name = cell.interpreter + " " + cell.benchmark + " t" + std::to_string(cell.threads);
      const bool quiet = spread.count(cell) && spread.at(cell) <= median_spread;
      ++trials;
      quiet_trials += quiet;
      for (int k = 0; k < 5; ++k) {
        const auto r = run_night(store, rs, a.warmup + k, inj);
        bool found = false;
        for (const auto& g : r.new_regressions)
          if (g.series.rfind(name + " time_per_op", 0) == 0) {
            found = true;
            // How far the reported first bad night is from the true one (night a.warmup).
            int bad = a.warmup + k;
            for (int d = 0; d <= a.warmup + k; ++d)
              if (g.first_bad_run.find(fmt::format("-synthetic-{:04}", d)) != std::string::npos) bad = d;
            first_bad_error.push_back(bad - a.warmup);
          }
        if (found) {
          if (k == 0) ++first_night;
          if (k == 0 && quiet) ++quiet_first;
          ++within5;
          quiet_within5 += quiet;
          nights_needed.push_back(k + 1);
          break;
        }
      }
    }
    std::sort(nights_needed.begin(), nights_needed.end());
    int exact = 0;
    for (int e : first_bad_error) exact += e == 0;
    fmt::print("step_{:.0f}pct_trials: {}\n", step * 100, trials);
    fmt::print("step_{:.0f}pct_confirmed_first_night: {:.2f}\n", step * 100, first_night / static_cast<double>(trials));
    fmt::print("step_{:.0f}pct_confirmed_within_5_nights: {:.2f}\n", step * 100, within5 / static_cast<double>(trials));
    fmt::print("step_{:.0f}pct_median_nights_to_confirm: {}\n", step * 100,
               nights_needed.empty() ? std::string("n/a") : std::to_string(nights_needed[nights_needed.size() / 2]));
    fmt::print("step_{:.0f}pct_quiet_half_trials: {}\n", step * 100, quiet_trials);
    fmt::print("step_{:.0f}pct_quiet_half_confirmed_first_night: {:.2f}\n", step * 100,
               quiet_trials ? quiet_first / static_cast<double>(quiet_trials) : 0.0);
    fmt::print("step_{:.0f}pct_quiet_half_confirmed_within_5_nights: {:.2f}\n", step * 100,
               quiet_trials ? quiet_within5 / static_cast<double>(quiet_trials) : 0.0);
    fmt::print("step_{:.0f}pct_first_bad_night_exact: {:.2f}\n", step * 100,
               first_bad_error.empty() ? 0.0 : exact / static_cast<double>(first_bad_error.size()));
    std::fflush(stdout);
  }
  fs::remove_all(dir);
  return 0;
}

int year(const Args& a) {
  const auto real = load_real_nights(a.source);
  const auto cells = time_cells(real.front());
  Resampler rs(real, a.seed);
  fs::remove(a.out);
  fs::remove(a.out.string() + "-wal");
  fs::remove(a.out.string() + "-shm");
  auto store = history::HistoryStore::open(a.out);
  // A few steps through the year: what a real year has.
  std::vector<Injection> inj;
  std::mt19937_64 rng(a.seed);
  for (int k = 0; k < 4; ++k)
    inj.push_back({cells[std::uniform_int_distribution<size_t>(0, cells.size() - 1)(rng)], 60 + 70 * k, 1.15});
  std::vector<double> times;
  for (int d = 0; d < a.nights; ++d) {
    double s = 0;
    run_night(store, rs, d, inj, &s);
    times.push_back(s);
  }
  std::sort(times.begin(), times.end());
  store.database().execute("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto size = fs::file_size(a.out);
  fmt::print("year_nights: {}\nyear_series: {}\n", a.nights, store.series().size());
  fmt::print("night_store_and_judge_median_s: {:.3f}\nnight_store_and_judge_max_s: {:.3f}\n", times[times.size() / 2],
             times.back());
  fmt::print("database_bytes: {}\ndatabase_bytes_per_night: {}\n", size, size / static_cast<uintmax_t>(a.nights));
  fmt::print("regressions_found: {}\n", store.regressions().size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    os::setup_console_logging("error");
    const auto a = parse(argc, argv);
    if (a.mode == "aa") return aa(a);
    if (a.mode == "steps") return steps(a);
    if (a.mode == "year") return year(a);
    throw std::runtime_error("unknown mode " + a.mode);
  } catch (const std::exception& e) {
    fmt::print(stderr, "history_validation: {}\n", e.what());
    return 2;
  }
}
