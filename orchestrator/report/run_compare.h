#pragma once
// `orchestrate compare RUN_A RUN_B`: two stored runs compared cell by cell (B / A), with the
// caveats that make such a comparison weaker (different machine, kernel, interpreter build).

#include <filesystem>
#include <string>

#include "analysis/compare.h"

namespace ftbench::report {

analysis::RunComparison compare_run_dirs(const std::filesystem::path& run_a, const std::filesystem::path& run_b);

std::string run_comparison_markdown(const analysis::RunComparison& comparison);

}  // namespace ftbench::report
