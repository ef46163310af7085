#include "plan/plan.h"

#include <fnmatch.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <sstream>

namespace ftbench::plan {

bool TestedInterpreter::expected_gil_enabled() const {
  if (auto it = env.find("PYTHON_GIL"); it != env.end() && interpreter.free_threaded_build) return it->second != "0";
  return interpreter.gil_enabled;
}

int Plan::rounds() const {
  int rounds = 0;
  for (const auto& item : items) rounds = std::max(rounds, item.round + 1);
  return rounds;
}

void write_item(json::Writer& w, const Plan& plan, const PlanItem& item) {
  w.start_object();
  json::write_fields(w, item);
  w.field("id", plan.item_id(item));
  w.end_object();
}

std::string Plan::item_id(const PlanItem& item) const {
  return interpreters[item.interpreter].label + "/" + benchmarks[item.benchmark].id + "/t" +
         std::to_string(item.threads) + "/p" + std::to_string(item.process_index);
}

std::vector<PlanItem> interleave(size_t interpreters, size_t benchmarks, const std::vector<int>& threads,
                                 int processes, uint64_t seed, config::Order round_order) {
  std::mt19937_64 rng(seed);
  std::vector<PlanItem> items;
  std::vector<size_t> order(interpreters);
  for (int round = 0; round < processes; ++round) {
    for (size_t b = 0; b < benchmarks; ++b) {
      for (int t : threads) {
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        for (size_t i : order)
          items.push_back({.sequence = items.size(), .round = round, .interpreter = i, .benchmark = b,
                           .threads = t, .process_index = round});
      }
    }
    if (round_order == config::Order::shuffled) {
      const auto first = items.end() - static_cast<std::ptrdiff_t>(interpreters * benchmarks * threads.size());
      std::shuffle(first, items.end(), rng);
      for (auto it = first; it != items.end(); ++it) it->sequence = static_cast<size_t>(it - items.begin());
    }
  }
  return items;
}

std::string describe(const Plan& plan, double seconds_per_iteration_guess) {
  std::ostringstream out;
  out << "Plan: " << plan.items.size() << " processes = " << plan.interpreters.size() << " interpreters x "
      << plan.benchmarks.size() << " benchmarks x " << plan.threads.size() << " thread counts x "
      << plan.rounds() << " rounds (seed " << plan.seed << ")\n";
  out << "Interpreters:\n";
  for (const auto& i : plan.interpreters) {
    out << "  " << i.label << (i.baseline ? " (baseline)" : "") << ": " << i.interpreter.path.string() << "  ["
        << i.interpreter.short_name() << ", " << (i.interpreter.free_threaded_build ? "free-threaded" : "GIL")
        << " build";
    for (const auto& [k, v] : i.env) out << ", " << k << "=" << v;
    out << "]\n";
    if (i.resolution) {
      out << "      " << i.resolution->query << " -> " << i.resolution->reason << "\n";
      if (!i.resolution->warning.empty()) out << "      warning: " << i.resolution->warning << "\n";
    }
  }
  out << "Benchmarks:";
  for (const auto& b : plan.benchmarks) out << " " << b.id;
  out << "\nThreads:";
  for (int t : plan.threads) out << " " << t;
  out << "\nPer process: " << plan.repetitions.warmups << " warm-up + " << plan.repetitions.iterations
      << " measured iterations, size "
      << plan.size << ", timeout " << plan.timeout_seconds << " s\nCounters:";
  if (plan.events.empty()) out << " none";
  for (const auto& e : plan.events) out << " " << e.name << (e.required ? "(required)" : "");
  out << "\nOrder:\n";
  size_t shown = 0;
  for (const auto& item : plan.items) {
    if (shown++ == 40) {
      out << "  ... " << plan.items.size() - 40 << " more\n";
      break;
    }
    out << "  " << item.sequence << "  round " << item.round << "  " << plan.item_id(item) << "\n";
  }
  // Start-up of an interpreter plus harness is ~50 ms; iterations as guessed.
  double seconds = static_cast<double>(plan.items.size()) *
                   (0.3 + (plan.repetitions.warmups + plan.repetitions.iterations) * seconds_per_iteration_guess);
  out << "Estimated duration: about " << static_cast<long>(seconds / 60.0 + 0.5) << " min ("
      << static_cast<long>(seconds) << " s, assuming ~" << seconds_per_iteration_guess * 1000
      << " ms per iteration and 0.3 s start-up per process)\n";
  return out.str();
}

bool glob_match(const std::string& pattern, const std::string& text) {
  // FNM_PATHNAME: '*' stays within one path component, like shell globs over files; '**'
  // crosses components. A pattern that matches a group selects everything in it, so
  // "memory", "memory/*" and "*" select what users expect.
  std::string pat = pattern;
  int flags = FNM_PATHNAME;
  if (pat.find("**") != std::string::npos) {
    for (size_t p; (p = pat.find("**")) != std::string::npos;) pat.replace(p, 2, "*");
    flags = 0;
  }
  if (::fnmatch(pat.c_str(), text.c_str(), flags) == 0) return true;
  for (size_t slash = text.find('/'); slash != std::string::npos; slash = text.find('/', slash + 1))
    if (::fnmatch(pat.c_str(), text.substr(0, slash).c_str(), flags) == 0) return true;
  return false;
}

}  // namespace ftbench::plan
