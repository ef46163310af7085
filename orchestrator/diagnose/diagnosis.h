#pragma once
// `orchestrate diagnose`: what the three tiers found for one target, per interpreter, and
// how it is shown (terminal text, diagnosis.json, the run dashboard's section).
//   tier 1  scaling evidence from a normal run (analysis/scaling_evidence.h), any machine
//   tier 2  PMU address sampling, machines whose PMU samples data addresses
//   tier 3  hardware watchpoints (any x86 machine, VMs included): where threads share lines

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/scaling_evidence.h"
#include "analysis/sharing.h"
#include "diagnose/session.h"
#include "results/manifest.h"
#include "util/json.h"

namespace ftbench::diagnose {

inline constexpr const char* kDiagnosisSchema = "ftbench-diagnosis/1";
inline constexpr const char* kDiagnosisFile = "diagnosis.json";

struct TierReport {
  int tier = 1;
  std::string name;
  TierStatus status = TierStatus::skipped;
  std::string message;   // why not done, or what limited it
  double seconds = 0;
};

// A sampled line (tier 2), named through the harness's candidates where it can be.
struct SampledLine {
  uint64_t address = 0;
  std::vector<std::string> on_line;
  analysis::LineSamples samples;
};

struct InterpreterDiagnosis {
  std::string label;
  bool gil_enabled = false;
  std::optional<analysis::ScalingEvidence> scaling;
  SampleOutcome sampling;
  std::vector<SampledLine> sampled_lines;   // most HITM first
  WatchOutcome watch;
  analysis::SharingReport sharing;
};

struct Diagnosis {
  std::string target;                       // benchmark id or script path
  harness::Kind kind = harness::Kind::suite;
  std::vector<int> threads;                 // tier 1's thread counts
  int watched_threads = 2;                  // tiers 2 and 3
  double trap_budget_s = 10;
  std::filesystem::path run_dir;
  std::vector<TierReport> tiers;
  std::vector<InterpreterDiagnosis> interpreters;
  std::string verdict;                      // one line over everything
};

// What tiers 2 and 3 need besides the tier-1 run.
struct ProcessOptions {
  std::filesystem::path workloads_dir;
  std::string size = "quick";               // watched iterations: small, traps are slow
  int threads = 2;
  WatchSettings watch;
  bool sample = true;                       // try tier 2
  bool watch_enabled = true;                // try tier 3
  const std::atomic<int>* stop_signal = nullptr;  // SIGINT/SIGTERM: stop where it is
};

// Tiers 2 and 3 for every interpreter of a finished tier-1 run (its run directory and
// manifest), appended to `diagnosis`; never throws for what a child or the kernel does.
void diagnose_processes(Diagnosis& diagnosis, const results::Manifest& manifest, const ProcessOptions& options,
                        run::Launcher& launcher, const WordArmer& armer);

// Tier 1 from the run's analysis.
void add_scaling_evidence(Diagnosis& diagnosis, const analysis::RunAnalysis& analysis, const std::string& benchmark,
                          double seconds);

// The one-line verdict over all interpreters (free-threaded ones first).
std::string overall_verdict(const Diagnosis& diagnosis);

void to_json(json::Writer& w, const Diagnosis& diagnosis);
std::string diagnosis_json(const Diagnosis& diagnosis);  // pretty, for diagnosis.json and --json
std::string render_text(const Diagnosis& diagnosis);    // the terminal report

}  // namespace ftbench::diagnose
