#include "perf/event_table.h"

#include <algorithm>
#include <array>

// Sources for this file:
//  - Linux tools/perf generic event names (perf list) and include/uapi/linux/perf_event.h for the
//    PERF_COUNT_HW_* / PERF_COUNT_SW_* ids behind the portable aliases.
//  - libpfm4 4.13 event tables (lib/events/intel_{hsw,bdw,skl,icl,spr}_events.h,
//    amd64_events_fam17h_zen2.h, amd64_events_fam19h_zen{3,4}.h). Every spelling below was
//    checked by enumerating events/umasks with pfm_get_event_info/pfm_get_event_attr_info
//    under LIBPFM_FORCE_PMU=<pmu> on Debian 12's libpfm4 4.13, and is re-checked by
//    tests/perf/event_table_test.cpp.
//  - Intel SDM vol. 3B / perfmon event lists (event 0xD2 MEM_LOAD_L3_HIT_RETIRED umask 0x04 =
//    XSNP_HITM, renamed XSNP_FWD from Ice Lake on; event 0xD3 MEM_LOAD_L3_MISS_RETIRED
//    REMOTE_HITM) and the Haswell specification update (erratum HSD25).
//  - AMD PPRs for family 17h/19h (PMCx043 demand data-cache fills by data source).
//  - /work/shared/reference/perf-events.md (project reference) for the HITM summary.

namespace ftbench::perf {

namespace {
constexpr std::array kAliases = {
    EventAlias{"cycles", "perf::PERF_COUNT_HW_CPU_CYCLES", "core clock cycles"},
    EventAlias{"instructions", "perf::PERF_COUNT_HW_INSTRUCTIONS", "retired instructions"},
    EventAlias{"cache-references", "perf::PERF_COUNT_HW_CACHE_REFERENCES",
               "last-level cache references (CPU-defined)"},
    EventAlias{"cache-misses", "perf::PERF_COUNT_HW_CACHE_MISSES",
               "last-level cache misses (CPU-defined)"},
    EventAlias{"LLC-load-misses", "perf::PERF_COUNT_HW_CACHE_LL:READ:MISS",
               "last-level cache load misses"},
    EventAlias{"branch-misses", "perf::PERF_COUNT_HW_BRANCH_MISSES", "mispredicted branches"},
    EventAlias{"task-clock", "perf::PERF_COUNT_SW_TASK_CLOCK",
               "CPU time of the tasks, nanoseconds (software)"},
    EventAlias{"context-switches", "perf::PERF_COUNT_SW_CONTEXT_SWITCHES",
               "context switches (software, counted in the kernel)"},
    EventAlias{"cpu-migrations", "perf::PERF_COUNT_SW_CPU_MIGRATIONS",
               "moves to another CPU (software, counted in the kernel)"},
    EventAlias{"page-faults", "perf::PERF_COUNT_SW_PAGE_FAULTS", "page faults (software)"},
    EventAlias{"minor-faults", "perf::PERF_COUNT_SW_PAGE_FAULTS_MIN",
               "minor page faults, no I/O (software)"},
    EventAlias{"major-faults", "perf::PERF_COUNT_SW_PAGE_FAULTS_MAJ",
               "major page faults, needed I/O (software)"},
};

constexpr std::string_view kIntelIceLakeNote =
    "Intel calls this umask XSNP_FWD from Ice Lake on; libpfm4 4.13 keeps the name XSNP_HITM "
    "(event 0xD2 umask 0x04)";
constexpr std::string_view kHaswellNote =
    "erratum HSD25: XSNP_HITM may undercount (up to ~40%); compare runs, not absolute values";
constexpr std::string_view kAmdProxyNote =
    "proxy, not HITM: demand data-cache fills served by another core's cache (modified or "
    "clean line; local part also includes ordinary L3 hits in the same CCX); use relative to a "
    "baseline";
}  // namespace

std::span<const EventAlias> event_aliases() { return kAliases; }

const EventAlias* find_alias(std::string_view name) {
  const auto it = std::find_if(kAliases.begin(), kAliases.end(),
                               [&](const EventAlias& a) { return a.alias == name; });
  return it == kAliases.end() ? nullptr : &*it;
}

const std::vector<HitmRow>& hitm_table() {
  static const std::vector<HitmRow> table = {
      // Intel: loads that hit L3 and needed a snoop that found the line Modified in another
      // core (local), and loads served by a Modified line in the other socket (remote).
      {"Intel Haswell (client)", {"hsw"}, "MEM_LOAD_UOPS_L3_HIT_RETIRED:XSNP_HITM", "", false,
       kHaswellNote},
      {"Intel Haswell-EP", {"hsw_ep"}, "MEM_LOAD_UOPS_L3_HIT_RETIRED:XSNP_HITM",
       "MEM_LOAD_UOPS_L3_MISS_RETIRED:REMOTE_HITM", false, kHaswellNote},
      {"Intel Broadwell (client)", {"bdw"}, "MEM_LOAD_UOPS_L3_HIT_RETIRED:XSNP_HITM", "", false,
       ""},
      {"Intel Broadwell-EP/DE", {"bdw_ep"}, "MEM_LOAD_UOPS_L3_HIT_RETIRED:XSNP_HITM",
       "MEM_LOAD_UOPS_L3_MISS_RETIRED:REMOTE_HITM", false, ""},
      {"Intel Skylake/Kaby Lake/Coffee Lake (client)", {"skl"},
       "MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM", "", false, "single socket: no remote HITM event"},
      {"Intel Skylake-SP / Cascade Lake-SP", {"skx", "clx"}, "MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM",
       "MEM_LOAD_L3_MISS_RETIRED:REMOTE_HITM", false, ""},
      {"Intel Ice Lake (client)", {"icl"}, "MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM", "", false,
       kIntelIceLakeNote},
      {"Intel Ice Lake-SP", {"icx"}, "MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM",
       "MEM_LOAD_L3_MISS_RETIRED:REMOTE_HITM", false, kIntelIceLakeNote},
      {"Intel Sapphire Rapids / Emerald Rapids", {"spr"}, "MEM_LOAD_L3_HIT_RETIRED:XSNP_FWD",
       "MEM_LOAD_L3_MISS_RETIRED:REMOTE_HITM", false,
       "local part is XSNP_FWD, which also counts forwards of clean lines: an upper bound on "
       "local HITM"},
      // AMD has no HITM counter; PMCx043 (demand data-cache fills by source) is the proxy.
      {"AMD Zen 2", {"amd64_fam17h_zen2"},
       "DATA_CACHE_REFILLS_FROM_SYSTEM:LS_MABRESP_LCL_CACHE",
       "DATA_CACHE_REFILLS_FROM_SYSTEM:LS_MABRESP_RMT_CACHE", true, kAmdProxyNote},
      {"AMD Zen 3", {"amd64_fam19h_zen3"},
       "DEMAND_DATA_CACHE_FILLS_FROM_SYSTEM:INT_CACHE:EXT_CACHE_LCL",
       "DEMAND_DATA_CACHE_FILLS_FROM_SYSTEM:EXT_CACHE_RMT", true, kAmdProxyNote},
      {"AMD Zen 4", {"amd64_fam19h_zen4"},
       "DEMAND_DATA_CACHE_FILLS_FROM_SYSTEM:LOCAL_CCX:NEAR_CACHE_NEAR_FAR",
       "DEMAND_DATA_CACHE_FILLS_FROM_SYSTEM:FAR_CACHE_NEAR_FAR", true, kAmdProxyNote},
  };
  return table;
}

const HitmRow* find_hitm_row(std::string_view libpfm_pmu) {
  for (const auto& row : hitm_table()) {
    if (std::find(row.libpfm_pmus.begin(), row.libpfm_pmus.end(), libpfm_pmu) !=
        row.libpfm_pmus.end()) {
      return &row;
    }
  }
  return nullptr;
}

}  // namespace ftbench::perf
