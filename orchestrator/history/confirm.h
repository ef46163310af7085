#pragma once
// Suspects are re-measured the same night before anything is reported (Chromium's Pinpoint
// does the same): extra interleaved processes for just those cells, doubling until the answer
// is clear or the confirmation budget is spent.
//   - When tonight's interpreter binary differs from the one the series' segment was measured
//     with, and that binary is still on disk with its recorded sha256: tonight's binary
//     against that one, A/B in the same night (the night's own noise cancels).
//   - Otherwise (the binary did not change, or the old one is gone): tonight's extra processes
//     join tonight's sample, which is tested against the segment again.
// This header decides what to run and judges what came back; commands/nightly_command.cpp runs it.

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "analysis/significance.h"
#include "history/detect.h"
#include "history/store.h"
#include "results/manifest.h"
#include "util/enum_names.h"

namespace ftbench::history {

enum class ConfirmMode { previous_binary, extend_tonight };
inline constexpr util::EnumName<ConfirmMode> kConfirmModeNames[] = {{ConfirmMode::previous_binary, "previous_binary"},
                                                                    {ConfirmMode::extend_tonight, "extend_tonight"}};
constexpr std::span<const util::EnumName<ConfirmMode>> enum_names(ConfirmMode) { return kConfirmModeNames; }

struct ConfirmationTarget {
  Evidence suspect;
  ConfirmMode mode = ConfirmMode::extend_tonight;
  std::string label;                          // tonight's interpreter label
  std::filesystem::path executable;           // tonight's binary
  std::map<std::string, std::string> env;
  std::string sha256;
  std::string commit;
  std::filesystem::path previous_executable;  // previous_binary mode
  std::string previous_sha256;
  std::string previous_commit;
  SeriesNights nights;                        // tonight (as measured) and the segment
  double machine_factor = 1;                  // tonight's machine shift (detect.h): extend_tonight divides by it
  int tonight_processes = 0;
};

std::vector<ConfirmationTarget> plan_confirmation(HistoryStore& store, const NightDetection& detection,
                                                  const results::Manifest& tonight, const DetectionSettings& settings);

enum class Verdict { confirmed, cleared, undecided };
inline constexpr util::EnumName<Verdict> kVerdictNames[] = {
    {Verdict::confirmed, "confirmed"}, {Verdict::cleared, "cleared"}, {Verdict::undecided, "undecided"}};
constexpr std::span<const util::EnumName<Verdict>> enum_names(Verdict) { return kVerdictNames; }

inline constexpr double kConfirmAlpha = 0.01;  // evidence needed to confirm

struct Judgement {
  Verdict verdict = Verdict::undecided;
  double ratio = 1;
  analysis::Interval ci;
  double p = 1;
  int processes = 0;   // per side, everything measured so far
  std::string how;     // one line: what was compared
};

// previous_binary: `previous_units` and `tonight_units` are the confirmation runs' process
// medians of the old and tonight's binary. extend_tonight: `tonight_units` are the extra
// processes (joined to tonight's own); `previous_units` is unused.
Judgement judge(const ConfirmationTarget& target, const std::vector<double>& previous_units,
                const std::vector<double>& tonight_units, double machine_night_variance,
                const DetectionSettings& settings);

}  // namespace ftbench::history
