#pragma once
// The fleet view (docs/fleet.md): what a shared store says across machines. Detection never
// compares machines (each series is one machine's); this view does, and says so: the same
// benchmark's free-threaded/default ratio and scaling efficiency side by side on each machine
// (CPU model, cores, SMT), which counters each machine could count (HITM needs a PMU), each
// machine's health (last night, excluded nights, how far it drifted) and its open regressions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "history/identity.h"
#include "history/store.h"
#include "util/json.h"

namespace ftbench::history {

struct FleetMachine {
  int64_t id = 0;
  std::string fingerprint;
  std::string description;             // CPU model, cores, architecture, kernel
  std::vector<std::string> hosts;      // host names that pushed under this fingerprint
  int logical_cpus = 0;                // the last night's
  std::optional<bool> smt;
  std::vector<std::string> counters;   // counted per op on some night: "hitm", "context-switches" ...
  size_t nights = 0;
  size_t excluded = 0;
  std::string last_night;              // created_at of the newest night
  std::string last_run;
  bool last_excluded = false;
  std::string last_exclusion_reason;
  double last_factor = 1;              // the newest night against the machine's recent nights
  double drift = 0;                    // largest |factor - 1| over the last 14 nights
  size_t open_regressions = 0;         // suspect + confirmed
};

// A derived series' value on its machine's newest counted night.
struct FleetValue {
  int64_t machine = 0;
  int threads = 1;                     // this machine's thread count (rows at "most threads" differ)
  double value = 0;
  double low = 0;
  double high = 0;
  std::string run_id;
  std::string created_at;
};

// One benchmark at one thread count, one kind (free_threading: subject/reference ratio of time
// per op; scaling: efficiency), across machines.
struct FleetRow {
  SeriesKind kind = SeriesKind::free_threading;
  std::string benchmark;
  // The thread count, or 0: each machine's most threads (configs say `threads: [1, ncpu]`, and
  // ncpu differs from machine to machine, so the scaling end of the curve lines up here).
  int threads = 1;
  std::string interpreter;
  std::string reference;               // free_threading only
  std::vector<FleetValue> values;      // one per machine that has it
};

struct FleetView {
  std::vector<FleetMachine> machines;
  std::vector<FleetRow> rows;          // by benchmark, kind, threads
};

FleetView fleet_view(HistoryStore& store);
void to_json(json::Writer& w, const FleetView& v);

}  // namespace ftbench::history
