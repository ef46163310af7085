// The fleet's scale (docs/fleet.md prints its figures; scripts/fleet-benchmark runs it): M
// boxes x N nights of a run shaped like the full default suite (4 interpreters - baseline,
// default build, free-threaded, free-threaded with PYTHON_GIL=1 -, B benchmarks at threads 1
// and ncpu, the basic counter profile, the default repetitions) pushed into one shared store.
//
//   fleet_scale --dir DIR --url URL [--machines 10] [--nights 365] [--benchmarks 35]
//               [--processes 4] [--iterations 1]
//
// One box's year is built through HistoryStore (as the nightly job stores it; a few
// regressions and excluded nights), then copied for the other machines with their own
// fingerprint, description and host name (the values are the same: what is measured is
// volume). Each box is then pushed in turn. Output: one "key: value" line per figure.

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "history/push.h"
#include "history/store.h"
#include "os/digest.h"
#include "os/logging.h"
#include "util/strings.h"
#include "../orchestrator/report/synthetic_run.h"

namespace fs = std::filesystem;
using namespace ftbench;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string night_at(int k) {
  const int day = k % 28 + 1, month = k / 28 % 12 + 1, year = 2026 + k / (28 * 12);
  return fmt::format("{:04d}-{:02d}-{:02d}T02:30:00Z", year, month, day);
}

testing::SyntheticRun default_suite_night(int k, int benchmarks, int ncpu, int processes, int iterations) {
  const auto at = night_at(k);
  testing::SyntheticRun run(at.substr(0, 4) + at.substr(5, 2) + at.substr(8, 2) + "-023000-default",
                            static_cast<uint64_t>(k) * 7919 + 1);
  auto& m = run.manifest();
  m.config_name = "default";
  m.created_at = at;
  m.finished_at = at;
  m.plan.repetitions.iterations = iterations;
  run.interpreter({"3.12", "3.12.7", false, true, {}, ""})
      .interpreter({"3.13", "3.13.5", false, false, {}, ""})
      .interpreter({"3.13t", "3.13.5", true, false, {}, ""})
      .interpreter({"3.13t+GIL", "3.13.5", true, false, {{"PYTHON_GIL", "1"}}, ""});
  for (int b = 0; b < benchmarks; ++b)
    run.benchmark(fmt::format("suite/bench_{:02d}", b), b % 3 ? harness::Scaling::weak : harness::Scaling::strong);
  for (const char* label : {"3.12", "3.13", "3.13t", "3.13t+GIL"})
    for (int b = 0; b < benchmarks; ++b)
      for (int n : {1, ncpu}) {
        const bool ft = std::string(label) == "3.13t";
        const double step = (b == 7 && ft && k >= 300) ? 1.2 : 1.0;  // one regression late in the year
        const double per_op = (40.0 + b) * (ft ? 1.0 + 0.1 * n : static_cast<double>(n)) * step;
        const std::vector<testing::SyntheticCounter> counters{{"task-clock", per_op, perf::Status::counted, "", 1.0},
                                                              {"context-switches", 1e-4, perf::Status::counted, "", 1.0},
                                                              {"cpu-migrations", 1e-6, perf::Status::counted, "", 1.0},
                                                              {"page-faults", 1e-3, perf::Status::counted, "", 1.0},
                                                              {"syscalls:sys_enter_futex", 2e-4, perf::Status::counted,
                                                               "", 1.0}};
        run.cell(label, fmt::format("suite/bench_{:02d}", b), n, processes, iterations, 100'000,
                 testing::lognormal_draw(per_op * 100'000, 0.015, 0.03), counters);
      }
  return run;
}

// A copy of `from` that claims to be machine `index`: its own fingerprint, description, host.
void become_machine(const fs::path& file, int index) {
  auto store = history::HistoryStore::open(file);
  auto& db = store.database();
  const auto old = store.machines().front().fingerprint;
  const auto fingerprint = os::sha256_hex(fmt::format("fleet machine {}", index)).substr(0, 16);
  history::Transaction t(db);
  db.run("UPDATE machines SET fingerprint = $1, description = $2",
         {fingerprint, fmt::format("Synthetic CPU model {} ({} cores, x86_64, Linux 6.1)", index, 16 * (index + 1))});
  db.run("UPDATE series SET key = REPLACE(key, $1, $2)", {"|m=" + old + "|", "|m=" + fingerprint + "|"});
  db.run("UPDATE nights SET machine_state = REPLACE(machine_state, '\"hostname\":\"', $1)",
         {fmt::format("\"hostname\":\"box{:02d}-", index)});
  t.commit();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir;
  std::string url;
  int machines = 10, nights = 365, benchmarks = 35, processes = 4, iterations = 1, ncpu = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    const auto number = [&] { return static_cast<int>(util::to_integer(value).value_or(0)); };
    if (key == "--dir") dir = value;
    else if (key == "--url") url = value;
    else if (key == "--machines") machines = number();
    else if (key == "--nights") nights = number();
    else if (key == "--benchmarks") benchmarks = number();
    else if (key == "--processes") processes = number();
    else if (key == "--iterations") iterations = number();
    else if (key == "--ncpu") ncpu = number();
  }
  if (dir.empty() || url.empty() || machines < 1 || nights < 1 || benchmarks < 1) {
    std::fprintf(stderr, "usage: fleet_scale --dir DIR --url URL [--machines 10] [--nights 365] [--benchmarks 35]\n");
    return 2;
  }
  os::setup_console_logging("warn");
  fs::create_directories(dir);
  try {
    const auto box = dir / "box00.sqlite";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(box.string() + suffix);
    auto started = Clock::now();
    {
      auto store = history::HistoryStore::open(box);
      for (int k = 0; k < nights; ++k) {
        const auto run = default_suite_night(k, benchmarks, ncpu, processes, iterations);
        const auto outcome = store.ingest(run.manifest(), run.runs(), {"/results/" + run.manifest().run_id, "", false, ""});
        if (k % 50 == 7) store.set_excluded(outcome.night_id, true, "preflight: load 2.4 per CPU");
      }
      // What a year of judging leaves (detection itself is timed by scripts/history-benchmark):
      // regressions in every state and change points, spread over the series and the year.
      const auto all_nights = store.nights();
      const auto all_series = store.series();
      const history::RegressionState states[] = {history::RegressionState::suspect, history::RegressionState::confirmed,
                                                 history::RegressionState::cleared, history::RegressionState::acknowledged,
                                                 history::RegressionState::fixed};
      for (size_t i = 0; i < 40; ++i) {
        history::RegressionRecord r;
        r.series_id = all_series[(i * 977) % all_series.size()].id;
        r.detected_night_id = all_nights[(i * 37 + 20) % all_nights.size()].id;
        r.state = states[i % 5];
        r.ratio = 1.1;
        r.low = 1.05;
        r.high = 1.15;
        r.p_value = r.q_value = 1e-4;
        r.counters = "[]";
        r.confirmation = "{}";
        store.add_regression(r);
      }
      for (size_t i = 0; i < 200; ++i)
        store.replace_change_points(all_series[(i * 131) % all_series.size()].id,
                                    {{0, all_nights[(i * 53 + 10) % all_nights.size()].id, 1.08, 1e-5}});
      store.database().execute("PRAGMA wal_checkpoint(TRUNCATE)");
      size_t series = store.series().size();
      fmt::print("series per machine: {}\n", series);
    }
    fmt::print("one box's year built in: {:.1f} s\n", seconds_since(started));
    fmt::print("one box's SQLite file: {:.1f} MB\n", static_cast<double>(fs::file_size(box)) / 1e6);
    for (int m = 1; m < machines; ++m) {
      const auto copy = dir / fmt::format("box{:02d}.sqlite", m);
      fs::copy_file(box, copy, fs::copy_options::overwrite_existing);
      become_machine(copy, m);
    }
    // Box 0 one night later: what its next nightly push sends once the fleet is full.
    const auto next = dir / "box00-next.sqlite";
    fs::copy_file(box, next, fs::copy_options::overwrite_existing);
    {
      auto store = history::HistoryStore::open(next);
      const auto run = default_suite_night(nights, benchmarks, ncpu, processes, iterations);
      store.ingest(run.manifest(), run.runs(), {"/results/" + run.manifest().run_id, "", false, ""});
    }
    become_machine(next, 0);
    become_machine(box, 0);

    double total = 0, slowest = 0;
    size_t points = 0, pushed = 0;
    for (int m = 0; m < machines; ++m) {
      auto local = history::HistoryStore::open(dir / fmt::format("box{:02d}.sqlite", m));
      auto shared = history::HistoryStore::open_url(url);
      started = Clock::now();
      const auto outcome = history::push_history(local, shared);
      const double s = seconds_since(started);
      total += s;
      slowest = std::max(slowest, s);
      points += outcome.points;
      pushed += outcome.nights_pushed;
      fmt::print("push of machine {}: {} nights, {} points in {:.1f} s\n", m, outcome.nights_pushed, outcome.points, s);
      std::fflush(stdout);
    }
    fmt::print("nights pushed: {}\n", pushed);
    fmt::print("points pushed: {}\n", points);
    fmt::print("total push time: {:.1f} s\n", total);
    fmt::print("slowest box's push (a year at once): {:.1f} s\n", slowest);
    fmt::print("points per second: {:.0f}\n", static_cast<double>(points) / total);
    auto shared = history::HistoryStore::open_url(url);
    const auto size = shared.database().query("SELECT pg_database_size(current_database())").front().integer(0);
    fmt::print("database size: {:.1f} MB\n", static_cast<double>(size) / 1e6);
    {
      auto local = history::HistoryStore::open(next);
      started = Clock::now();
      const auto outcome = history::push_history(local, shared);
      fmt::print("a nightly push (one new night of box 0 into the full fleet: {} pushed, {} there): {:.2f} s\n",
                 outcome.nights_pushed, outcome.nights_present, seconds_since(started));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fleet_scale: %s\n", e.what());
    return 1;
  }
  return 0;
}
