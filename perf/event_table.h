#pragma once
// The one table of portable event aliases and of the per-CPU HITM (false-sharing) events.
// docs/perf.md documents every row; event_table.cpp cites the sources.

#include <span>
#include <string_view>
#include <vector>

namespace ftbench::perf {

struct EventAlias {
  std::string_view alias;         // what users write: "cycles", "LLC-load-misses"
  std::string_view libpfm_event;  // what libpfm4 encodes: "perf::PERF_COUNT_HW_CPU_CYCLES"
  std::string_view description;
};

[[nodiscard]] std::span<const EventAlias> event_aliases();
[[nodiscard]] const EventAlias* find_alias(std::string_view name);

// `hitm` counts both rows' parts (local + remote, summed, with the split kept);
// `hitm.local` / `hitm.remote` ask for one of them.
inline constexpr std::string_view kHitmAlias = "hitm";
inline constexpr std::string_view kHitmLocalAlias = "hitm.local";
inline constexpr std::string_view kHitmRemoteAlias = "hitm.remote";

struct HitmRow {
  std::string_view cpu;                       // human name of the CPU family
  std::vector<std::string_view> libpfm_pmus;  // libpfm4 core PMU names that select this row
  std::string_view local_event;               // same socket: libpfm4 4.13 spelling
  std::string_view remote_event;              // other socket; empty when the CPU has none
  bool proxy = false;                         // not a HITM counter, an approximation
  std::string_view note;                      // caveat shown with every value
};

[[nodiscard]] const std::vector<HitmRow>& hitm_table();
// Row for a libpfm4 core PMU name (libpfm::core_pmu_name()), or nullptr.
[[nodiscard]] const HitmRow* find_hitm_row(std::string_view libpfm_pmu);

}  // namespace ftbench::perf
