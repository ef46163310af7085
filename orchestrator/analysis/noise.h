#pragma once
// The machine's noise, measured from the run's own data, and the cells noisier than it.
//
// Processes are the unit (docs/reports.md "The unit"), so the noise that limits every verdict
// is how much a cell's process medians spread: the between-process CV. The noise floor of an
// interpreter is the median of that CV over its cells (each corrected for the small-sample
// bias of a CV from few processes); it says what this machine does to a measurement right
// now, and with the run's processes per side it gives the smallest ratio a comparison could
// resolve. A cell is flagged only when its spread is above what the floor explains (a one-
// sided chi-square test at 1 %, and at least 1.5x the floor), with the cause where the data
// shows one. pyperf's fixed rules (statistics.h) fire on nearly every cell of a shared
// machine, which tells nobody anything; they stay in the details.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/cells.h"
#include "util/enum_names.h"

namespace ftbench::analysis {

inline constexpr double kNoisePower = 0.80;       // power of the minimum detectable ratio
inline constexpr double kFlagLevel = 0.01;        // a cell's spread is tested against the floor at this level
inline constexpr double kFlagMinMultiple = 1.5;   // ... and must be at least this many floors
inline constexpr double kResolveTarget = 1.05;    // "processes per side to resolve 5 %"
inline constexpr size_t kMinCellsForOwnFloor = 5; // fewer: the interpreter uses the run's floor

// The smallest shift, in standard deviations of the log process medians, that the two-sided
// Mann-Whitney test at `alpha` (the run's own test, exact distribution) detects with `power`
// when each side has `n` processes and log values are normal. nullopt when no outcome of n
// against n can be significant (3 or fewer per side at 5 %). Computed exactly for the test
// over a fixed set of simulated samples (seeded: the same answer every time); beyond the
// exact test's sizes, by the asymptotic formula.
std::optional<double> detectable_shift(size_t n, double alpha = kAlpha, double power = kNoisePower);

// exp(detectable_shift(n) * sigma), sigma the log-scale sd that a CV of `cv` implies.
std::optional<double> min_detectable_ratio(double cv, size_t n);

// The fewest processes per side whose minimum detectable ratio is at most `ratio` (nullopt
// above 1000).
std::optional<size_t> processes_to_resolve(double cv, double ratio = kResolveTarget);

struct InterpreterNoise {
  std::string interpreter;
  size_t cells = 0;         // cells with 2+ processes that its floor is the median over
  bool pooled = false;      // too few of its own: the run's floor stands in
  double floor_cv = 0;      // its noise floor
  double p90_cv = 0;        // 90th percentile of its cells' between-process CVs (as measured)
  double within_cv = 0;     // median over its cells of the within-process CV
};
template <class F>
void describe(InterpreterNoise& i, F& f) {
  f("interpreter", i.interpreter);
  f("cells", i.cells);
  f("pooled", i.pooled);
  f("floor_cv", i.floor_cv);
  f("p90_cv", i.p90_cv);
  f("within_process_cv", i.within_cv);
}

// What the data shows about why a flagged cell spreads.
enum class NoiseCause {
  outlying_process,  // one process away from the others explains it
  bimodal,           // the process medians form two groups
  outliers,          // outlying iterations (modified z > 3.5)
  few_processes,     // 3 or fewer: one odd process moves the spread a lot
  cpu_migrations,    // the slowest process moved between CPUs more often than the others
  context_switches,  // ... or was switched out more often (at 1 thread: preemption)
};
inline constexpr util::EnumName<NoiseCause> kNoiseCauseNames[] = {
    {NoiseCause::outlying_process, "outlying_process"}, {NoiseCause::bimodal, "bimodal"},
    {NoiseCause::outliers, "outliers"},         {NoiseCause::few_processes, "few_processes"},
    {NoiseCause::cpu_migrations, "cpu_migrations"}, {NoiseCause::context_switches, "context_switches"}};
constexpr std::span<const util::EnumName<NoiseCause>> enum_names(NoiseCause) { return kNoiseCauseNames; }

struct NoiseCauseFound {
  NoiseCause kind = NoiseCause::outlying_process;
  double value = 0;      // outlying_process: its median / the others'; bimodal: upper / lower group;
                         // counters: events per iteration in the slowest process
  double reference = 0;  // counters: the other processes' median
  int process = -1;      // outlying_process: its process index; counters: the slowest process
  size_t count = 0;      // bimodal: processes in the upper group; outliers: outlying iterations;
                         // few_processes: processes
  size_t of = 0;         // bimodal: processes; outliers: iterations
};
template <class F>
void describe(NoiseCauseFound& c, F& f) {
  f("kind", c.kind);
  f("value", c.value);
  f("reference", c.reference);
  f("process", c.process);
  f("count", c.count);
  f("of", c.of);
}

struct CellNoise {
  CellKey key;
  size_t processes = 0;
  double between_cv = 0;
  double floor_cv = 0;      // its interpreter's
  double threshold_cv = 0;  // flagged above this
  bool flagged = false;
  std::vector<NoiseCauseFound> causes;  // for flagged cells
};
// The numbers; report/analysis_json.cpp adds each cause's words beside them.
template <class F>
void describe(CellNoise& c, F& f) {
  f("processes", c.processes);
  f("between_process_cv", c.between_cv);
  f("floor_cv", c.floor_cv);
  f("threshold_cv", c.threshold_cv);
  f("flagged", c.flagged);
}

struct NoiseFloor {
  bool measured = false;         // some cell has 2+ processes
  double floor_cv = 0;           // the run's floor (every judged cell)
  size_t processes = 0;          // processes per cell, typical (median): a comparison's side
  std::optional<double> min_detectable_ratio;   // at `processes` per side; nullopt: none can be significant
  std::optional<size_t> processes_to_resolve;   // per side, for kResolveTarget
  std::vector<InterpreterNoise> interpreters;   // run order
  std::vector<CellNoise> cells;  // the judged cells (2+ processes), in Cells order
  size_t unjudged = 0;           // cells with one process: their spread between processes is unknown

  size_t flagged() const;
  const CellNoise* find(const CellKey& key) const;
  const InterpreterNoise* interpreter(const std::string& label) const;
};

NoiseFloor measure_noise(const Cells& cells);

}  // namespace ftbench::analysis
