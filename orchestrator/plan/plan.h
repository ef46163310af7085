#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/interpreter.h"

namespace ftbench::plan {

// An interpreter as it will run: the config's label, what the binary is, and its extra env.
struct ResolvedInterpreter {
  std::string label;
  discovery::InterpreterFacts facts;
  std::map<std::string, std::string> env;
  bool baseline = false;
};

// A workload as the harness lists it (`python -m ftbench list --json`), or a user script.
struct Benchmark {
  std::string id;                 // "memory/ordering/false_sharing_padded", or "script:<path>"
  std::string kind = "suite";     // suite | script
  std::string scaling;            // strong | weak
  std::string op_name;
  std::string summary;
  std::vector<std::string> tags;
  std::string script_path;        // kind == script
  std::vector<std::string> script_args;
};

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
  std::vector<ResolvedInterpreter> interpreters;
  std::vector<Benchmark> benchmarks;
  std::vector<int> threads;
  std::vector<PlanItem> items;
  uint64_t seed = 0;
  int warmups = 1;
  int iterations = 5;
  std::string size = "default";
  std::vector<config::EventSetting> events;  // resolved from profile + explicit list
  double timeout_seconds = 300;
  // Adaptive repetitions (0: off): see run/adaptive.h.
  double target_rel_ci = 0;
  double max_seconds_per_benchmark = 120;

  std::string item_id(const PlanItem& item) const;
};

// Interleaves the matrix so drift hits every interpreter alike: rounds of repetitions; in
// each round every (benchmark, threads) cell visits all interpreters in a freshly shuffled
// order (std::mt19937_64 seeded with `seed`, so a plan is reproducible from its seed).
std::vector<PlanItem> interleave(size_t interpreters, size_t benchmarks, const std::vector<int>& threads,
                                 int processes, uint64_t seed);

// Human-readable plan for --dry-run, with an estimated duration.
std::string describe(const Plan& plan, double seconds_per_iteration_guess = 0.1);

// Shell-style glob (*, ?, [..]) over suite ids; '*' stays within a path component, '**'
// crosses them, and a pattern matching a group selects the whole group ("memory/*").
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace ftbench::plan
