#pragma once
// `orchestrate doctor`: what this machine can count and, for what it cannot, why and what to
// change. Needs no child: events are probed on the calling thread and closed again.

#include <optional>
#include <string>
#include <vector>

#include "perf/counters.h"
#include "perf/libpfm.h"
#include "perf/profiles.h"
#include "perf/status.h"
#include "perf/system.h"

namespace ftbench::perf {

struct ProfileReport {
  Profile profile = Profile::none;
  std::vector<EventCapability> events;  // every event of the profile, with status and reason
};

struct DoctorReport {
  std::string kernel;                          // "Linux 6.1.0-18-amd64"
  std::string libpfm_error;                    // empty when libpfm4 initialized
  std::vector<libpfm::PmuInfo> libpfm_pmus;    // PMU models libpfm4 detected (or was forced to)
  std::optional<std::string> core_pmu;         // the one that selects the HITM row
  std::vector<CpuPmu> cpu_pmus;                // sysfs PMUs with a `cpus` file (hybrid when >= 2)
  bool hardware_pmu = false;                   // sysfs lists a CPU PMU ("cpu" or a `cpus` one)
  std::optional<int> perf_event_paranoid;
  std::string paranoid_meaning;
  bool perf_privileged = false;                // CAP_PERFMON or CAP_SYS_ADMIN effective
  Status tracefs_status = Status::tracefs_unavailable;  // counted = readable
  std::string tracefs_path;                    // when readable
  std::string tracefs_message;                 // when not
  bool hw_watchpoints = false;
  std::string hw_watchpoint_message;
  std::vector<ProfileReport> profiles;         // every profile, in kProfileNames order
  std::vector<std::string> advice;             // de-duplicated "what to change" lines
};

[[nodiscard]] DoctorReport run_doctor(const AttachOptions& options = {});
[[nodiscard]] std::string render_doctor_table(const DoctorReport& report);
void to_json(json::Writer& w, const DoctorReport& report);  // `orchestrate doctor --json`
// The same fields into an enclosing object (the doctor command adds its system check beside them).
void write_fields(json::Writer& w, const DoctorReport& report);

}  // namespace ftbench::perf
