#pragma once
// Thin, thread-safe wrapper over libpfm4: lazy one-time pfm_initialize, event-name encoding
// into a perf_event_attr, and the list of PMU models libpfm4 detected.
//
// pfm_initialize reads LIBPFM_FORCE_PMU once; libpfm4 4.13 does not fully reset on
// pfm_terminate, so a different forced PMU needs a fresh process (the tests re-exec).

#include <linux/perf_event.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftbench::perf::libpfm {

struct Encoding {
  perf_event_attr attr{};  // size set; exclude_* as libpfm4 derived them (user+kernel default)
  std::string name;        // fully qualified, modifiers stripped: "icl::MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM"
};

struct EncodeResult {
  std::optional<Encoding> encoding;
  int error_code = 0;  // PFM_ERR_* when encoding failed
  std::string error;   // pfm_strerror(error_code), e.g. "event not found"
  [[nodiscard]] bool ok() const noexcept { return encoding.has_value(); }
};

// Encodes any libpfm4 event string ("perf::CONTEXT-SWITCHES", "MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM",
// "cycles:u") for perf_event_open with PFM_OS_PERF_EVENT_EXT. Default privilege levels are user
// and kernel; explicit :u/:k modifiers in the string win.
[[nodiscard]] EncodeResult encode(std::string_view event_name);

struct PmuInfo {
  std::string name;         // libpfm4 PMU name: "perf", "icl", "amd64_fam19h_zen4"
  std::string description;  // "Intel Icelake"
  std::string kind;         // "core", "uncore", "os-generic", "unknown"
  bool is_default = false;
  int events = 0;
  int generic_counters = 0;
  int fixed_counters = 0;
};

// PMUs libpfm4 considers present (detected or forced).
[[nodiscard]] std::vector<PmuInfo> active_pmus();

// Name of the first present core PMU (selects the HITM row); nullopt when libpfm4 detected no
// CPU model (e.g. a CPU newer than the library, or some VMs).
[[nodiscard]] std::optional<std::string> core_pmu_name();

// Empty when pfm_initialize succeeded, otherwise its error text.
[[nodiscard]] std::string initialization_error();

}  // namespace ftbench::perf::libpfm
