#pragma once
// `orchestrate doctor --tune` / `--reset`: the reversible kernel settings that steady timings
// on the CPUs a run uses (performance governor, turbo off, ASLR on, the NMI watchdog off where
// it holds a hardware counter), changed and restored exactly.
//
// Safety: the state file records a setting's original value BEFORE the setting is written
// (atomically, so it is never half-written), and is updated once the write is read back. An
// interruption at any moment therefore leaves every changed setting in the state file, and
// --reset restores it. Running --tune twice keeps the first originals. A setting that is not
// exposed (a VM without cpufreq) or read-only is left alone and said so, one line each.

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "os/system_check.h"
#include "util/enum_names.h"

namespace ftbench::os {

// One setting --tune may change: a file under /sys or /proc and the value it wants there.
struct TuneSetting {
  std::string name;      // "cpu0 governor", "turbo (intel_pstate)", "ASLR", "NMI watchdog"
  std::string file;      // relative to the root: "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
  std::string target;    // "performance"
  std::string not_applicable;  // why the setting is not tuned here ("" = it is): no hardware PMU, ...
};

// What the state file remembers of one changed setting.
enum class TuneProgress { changing, applied };
inline constexpr util::EnumName<TuneProgress> kTuneProgressNames[] = {{TuneProgress::changing, "changing"},
                                                                      {TuneProgress::applied, "applied"}};
constexpr std::span<const util::EnumName<TuneProgress>> enum_names(TuneProgress) { return kTuneProgressNames; }

struct TuneEntry {
  std::string name;
  std::string file;
  std::string original;
  std::string target;
  TuneProgress progress = TuneProgress::changing;
};
template <class F>
void describe(TuneEntry& e, F& f) {
  f("name", e.name);
  f("file", e.file);
  f("original", e.original);
  f("target", e.target);
  f("progress", e.progress);
}

struct TuneState {
  std::string schema = "ftbench-tune";
  int version = 1;
  std::string boot_id;     // settings under /sys and /proc do not survive a reboot
  std::string created_at;
  std::string root;        // the SystemRoot the files are relative to
  std::vector<TuneEntry> entries;
};
template <class F>
void describe(TuneState& s, F& f) {
  f("schema", s.schema);
  f("version", s.version);
  f("boot_id", s.boot_id);
  f("created_at", s.created_at);
  f("root", s.root);
  f("entries", s.entries);
}

// How one setting went, as one line says it.
enum class TuneOutcome { changed, already, not_exposed, not_applicable, read_only, failed, restored };
inline constexpr util::EnumName<TuneOutcome> kTuneOutcomeNames[] = {
    {TuneOutcome::changed, "changed"},       {TuneOutcome::already, "already"},
    {TuneOutcome::not_exposed, "not_exposed"}, {TuneOutcome::not_applicable, "not_applicable"},
    {TuneOutcome::read_only, "read_only"},   {TuneOutcome::failed, "failed"},
    {TuneOutcome::restored, "restored"}};
constexpr std::span<const util::EnumName<TuneOutcome>> enum_names(TuneOutcome) { return kTuneOutcomeNames; }

struct TuneLine {
  std::string name;
  TuneOutcome outcome = TuneOutcome::already;
  std::string text;  // "powersave -> performance", "not exposed (no ...)"
};
template <class F>
void describe(TuneLine& l, F& f) {
  f("name", l.name);
  f("outcome", l.outcome);
  f("text", l.text);
}

struct TuneReport {
  std::vector<TuneLine> lines;
  std::vector<std::string> notes;  // where the state is, what --reset will do, what --tune does not do
  bool all_done() const;           // nothing failed or read-only
  size_t count(TuneOutcome outcome) const;
};

// Where a step of one setting stands, for tests that interrupt --tune there.
enum class TuneStep { recorded, written };

struct TuneOptions {
  SystemRoot root;
  std::vector<int> cpus;                   // the run's CPUs
  std::filesystem::path state_file;        // default: <root>/var/lib/ftbench/tune.json
  bool privileged = false;                 // root (or a fake root: writes stay under it)
  std::function<void(const TuneEntry&, TuneStep)> after_step;  // tests: throw here to simulate a crash
};

std::filesystem::path default_tune_state_file(const SystemRoot& root);

// Both throw UserError without privilege (nothing is changed) or with a damaged state file.
TuneReport tune(const TuneOptions& options);
TuneReport reset_tuning(const TuneOptions& options);

std::string render_tune_report(const TuneReport& report);

}  // namespace ftbench::os
