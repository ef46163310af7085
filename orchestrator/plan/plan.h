#pragma once
// What a run will do: the interpreters under test, the benchmarks, the thread counts and the
// interleaved list of interpreter processes (items), with the repetition settings they share.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/discovery.h"
#include "discovery/interpreter.h"
#include "harness/benchmark.h"
#include "perf/status.h"
#include "util/json.h"

namespace ftbench::plan {

// An interpreter as it will run: the config's label, what the binary is, and its extra env.
struct TestedInterpreter {
  std::string label;
  discovery::Interpreter interpreter;
  std::map<std::string, std::string> env;
  bool baseline = false;
  // How the config's query (or path) was answered: which interpreter and why.
  std::optional<discovery::SelectionNote> resolution;

  // The GIL state to expect: the build's, unless PYTHON_GIL switches it on a free-threaded build.
  bool expected_gil_enabled() const;
};
// The manifest's "interpreters" entries.
template <class F>
void describe(TestedInterpreter& t, F& f) {
  f("label", t.label);
  f("baseline", t.baseline);
  f("env", t.env);
  f("facts", t.interpreter);
  f.optional("resolution", t.resolution);
}

// One interpreter process to run. Its id is stable across resume.
struct PlanItem {
  size_t sequence = 0;
  int round = 0;                  // repetition round: every interpreter is visited once per round
  size_t interpreter = 0;         // index into Plan::interpreters
  size_t benchmark = 0;           // index into Plan::benchmarks
  int threads = 1;
  int process_index = 0;
};

struct Plan {
  std::vector<TestedInterpreter> interpreters;
  std::vector<harness::Benchmark> benchmarks;
  std::vector<int> threads;
  std::vector<PlanItem> items;
  uint64_t seed = 0;
  config::Repetitions repetitions;
  std::string size = "default";
  std::vector<perf::EventRequest> events;  // the profile's and the config's, resolved
  double timeout_seconds = config::kDefaultTimeoutSeconds;
  config::Limits limits;  // per process; kept with the plan so --resume applies the same ones

  std::string item_id(const PlanItem& item) const;  // "<label>/<benchmark>/t<threads>/p<process>"
  int rounds() const;                               // planned rounds so far (adaptive ones included)
};
template <class F>
void describe(PlanItem& item, F& f) {
  f("sequence", item.sequence);
  f("round", item.round);
  f("interpreter", item.interpreter);
  f("benchmark", item.benchmark);
  f("threads", item.threads);
  f("process_index", item.process_index);
}
// The item as the manifest's "plan" entries hold it: its fields and its id.
void write_item(json::Writer& w, const Plan& plan, const PlanItem& item);

// Interleaves the matrix so drift hits every interpreter alike: rounds of repetitions; in
// each round every (benchmark, threads) cell visits all interpreters in a freshly shuffled
// order (std::mt19937_64 seeded with `seed`, so a plan is reproducible from its seed).
// Order::shuffled shuffles each whole round instead.
std::vector<PlanItem> interleave(size_t interpreters, size_t benchmarks, const std::vector<int>& threads,
                                 int processes, uint64_t seed, config::Order order = config::Order::by_cell);

// Human-readable plan for --dry-run, with an estimated duration.
std::string describe(const Plan& plan, double seconds_per_iteration_guess = 0.1);

// Shell-style glob (*, ?, [..]) over suite ids; '*' stays within a path component, '**'
// crosses them, and a pattern matching a group selects the whole group ("memory/*").
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace ftbench::plan
