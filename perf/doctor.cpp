#include "perf/doctor.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <sstream>

#include "perf/profiles.h"
#include "perf/watchpoint.h"

namespace ftbench::perf {
namespace {

void add_advice(DoctorReport& report, std::string line) {
  if (std::find(report.advice.begin(), report.advice.end(), line) == report.advice.end()) {
    report.advice.push_back(std::move(line));
  }
}

void derive_advice(DoctorReport& report) {
  if (!report.libpfm_error.empty()) {
    add_advice(report, "libpfm4 failed to initialize (" + report.libpfm_error +
                           "): only tracepoints can be resolved");
  }
  if (report.tracefs_status != Status::counted) add_advice(report, report.tracefs_message);
  std::vector<std::string> no_pmu;  // ENOENT events, reported as one line
  for (const auto& profile : report.profiles) {
    for (const auto& event : profile.events) {
      if (event.status == Status::counted) continue;
      // The tracefs line above already says it.
      if (!report.tracefs_message.empty() &&
          event.message.find(report.tracefs_message) != std::string::npos) {
        continue;
      }
      if (event.status == Status::not_supported &&
          event.message.find("ENOENT") != std::string::npos) {
        if (std::find(no_pmu.begin(), no_pmu.end(), event.name) == no_pmu.end()) {
          no_pmu.push_back(event.name);
        }
        continue;
      }
      if (event.status == Status::not_permitted) {
        add_advice(report, "permission: " + event.message);
      } else {
        add_advice(report, event.name + ": " + event.message);
      }
    }
  }
  if (!no_pmu.empty()) {
    std::string names;
    for (const auto& name : no_pmu) names += (names.empty() ? "" : ", ") + name;
    if (!report.hardware_pmu) {
      add_advice(report,
                 "no hardware PMU is exposed to perf (typical in a VM), so " + names +
                     " cannot be counted: enable a virtual PMU (e.g. QEMU/KVM -cpu host,pmu=on) "
                     "or run on bare metal; software events, tracepoints and hardware "
                     "watchpoints still work");
    } else {
      add_advice(report, "the PMU does not provide " + names +
                             " (ENOENT): an event of another CPU model, or a PMU driver the "
                             "kernel lacks");
    }
  }
  if (!report.hw_watchpoints) {
    add_advice(report, "hardware watchpoints: " + report.hw_watchpoint_message);
  }
}

bool sysfs_lists_cpu_pmu(const SystemPaths& paths, const std::vector<CpuPmu>& cpu_pmus) {
  std::error_code ec;
  return !cpu_pmus.empty() || std::filesystem::exists(paths.event_source_devices / "cpu", ec);
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

DoctorReport run_doctor(const AttachOptions& options) {
  DoctorReport report;
  report.kernel = kernel_release();
  report.libpfm_error = libpfm::initialization_error();
  report.libpfm_pmus = libpfm::active_pmus();
  report.core_pmu = libpfm::core_pmu_name();
  report.cpu_pmus = enumerate_cpu_pmus(options.paths);
  report.hardware_pmu = sysfs_lists_cpu_pmu(options.paths, report.cpu_pmus);
  report.perf_event_paranoid = read_perf_event_paranoid(options.paths);
  report.paranoid_meaning = describe_paranoid(report.perf_event_paranoid);
  report.perf_privileged = has_perf_privilege();
  const TracefsLocation tracefs = locate_tracefs(options.paths);
  report.tracefs_status = tracefs.status;
  report.tracefs_path = tracefs.root.string();
  report.tracefs_message = tracefs.message;
  const WatchpointProbe watchpoint = probe_hardware_watchpoint();
  report.hw_watchpoints = watchpoint.supported;
  report.hw_watchpoint_message = watchpoint.message;
  for (const auto& profile : kProfileNames)
    report.profiles.push_back(ProfileReport{profile.value, probe_events(profile_events(profile.value), options)});
  derive_advice(report);
  return report;
}

std::string render_doctor_table(const DoctorReport& report) {
  std::ostringstream out;
  const auto row = [&](std::string_view key, const std::string& value) {
    out << "  " << pad(std::string(key), 22) << value << '\n';
  };
  out << "perf doctor\n";
  row("kernel", report.kernel);
  std::string pmus;
  for (const auto& pmu : report.libpfm_pmus) {
    if (!pmus.empty()) pmus += ", ";
    pmus += pmu.name + " (" + pmu.description + ")";
    if (pmu.kind == "core") pmus += " [core]";
  }
  row("libpfm4 PMUs", report.libpfm_error.empty() ? pmus : "error: " + report.libpfm_error);
  row("CPU model (HITM row)", report.core_pmu ? *report.core_pmu
                                              : std::string("none detected (no hardware PMU model)"));
  std::string hybrid;
  for (const auto& pmu : report.cpu_pmus) {
    if (!hybrid.empty()) hybrid += ", ";
    hybrid += pmu.name + " (type " + std::to_string(pmu.type) + ", cpus " + pmu.cpus + ")";
  }
  row("hardware PMU", report.hardware_pmu ? std::string("yes")
                                           : std::string("none exposed to perf (VM without vPMU?)"));
  row("hybrid CPU PMUs", hybrid.empty() ? std::string("none") : hybrid);
  row("perf_event_paranoid",
      (report.perf_event_paranoid ? std::to_string(*report.perf_event_paranoid)
                                  : std::string("unknown")) +
          " - " + report.paranoid_meaning);
  row("privileged",
      report.perf_privileged ? std::string("yes (CAP_PERFMON/CAP_SYS_ADMIN: paranoid does not apply)")
                             : std::string("no"));
  row("tracefs", report.tracefs_status == Status::counted
                     ? report.tracefs_path + " (readable)"
                     : util::name_string(report.tracefs_status) + ": " + report.tracefs_message);
  row("hardware watchpoints",
      (report.hw_watchpoints ? std::string("yes, ") : std::string("no, ")) +
          report.hw_watchpoint_message);

  std::size_t name_width = 5;
  for (const auto& profile : report.profiles) {
    for (const auto& event : profile.events) name_width = std::max(name_width, event.name.size());
  }
  name_width += 2;
  constexpr std::size_t kStatusWidth = 21;
  for (const auto& profile : report.profiles) {
    out << "\nprofile " << util::name(profile.profile);
    if (profile.events.empty()) {
      out << ": no events\n";
      continue;
    }
    out << "\n  " << pad("EVENT", name_width) << pad("STATUS", kStatusWidth) << "DETAIL\n";
    for (const auto& event : profile.events) {
      std::string detail = event.status == Status::counted ? event.encoding : event.message;
      if (event.proxy) detail += " [proxy]";
      out << "  " << pad(event.name, name_width)
          << pad(util::name_string(event.status), kStatusWidth) << detail << '\n';
      if (!event.note.empty()) {
        out << "  " << pad("", name_width) << pad("", kStatusWidth) << "note: " << event.note << '\n';
      }
    }
  }
  if (!report.advice.empty()) {
    out << "\nwhat to change:\n";
    for (const auto& line : report.advice) out << "  - " << line << '\n';
  }
  return out.str();
}

void to_json(json::Writer& w, const DoctorReport& report) {
  w.start_object();
  write_fields(w, report);
  w.end_object();
}

void write_fields(json::Writer& w, const DoctorReport& report) {
  w.field("kernel", report.kernel);
  w.key("libpfm");
  w.start_object();
  w.field("initialized", report.libpfm_error.empty());
  w.field("error", report.libpfm_error);
  w.field("core_pmu", report.core_pmu);
  w.key("pmus");
  w.start_array();
  for (const auto& pmu : report.libpfm_pmus) {
    w.start_object();
    w.field("name", pmu.name);
    w.field("description", pmu.description);
    w.field("kind", pmu.kind);
    w.field("default", pmu.is_default);
    w.field("events", pmu.events);
    w.field("generic_counters", pmu.generic_counters);
    w.field("fixed_counters", pmu.fixed_counters);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.key("cpu_pmus");
  w.start_array();
  for (const auto& pmu : report.cpu_pmus) {
    w.start_object();
    w.field("name", pmu.name);
    w.field("type", pmu.type);
    w.field("cpus", pmu.cpus);
    w.end_object();
  }
  w.end_array();
  w.field("hybrid", report.cpu_pmus.size() >= 2);
  w.field("hardware_pmu", report.hardware_pmu);
  w.field("perf_event_paranoid", report.perf_event_paranoid);
  w.field("paranoid_meaning", report.paranoid_meaning);
  w.field("perf_privileged", report.perf_privileged);
  w.key("tracefs");
  w.start_object();
  w.field("status", report.tracefs_status);
  w.field("readable", report.tracefs_status == Status::counted);
  w.field("path", report.tracefs_path);
  w.field("message", report.tracefs_message);
  w.end_object();
  w.key("hw_watchpoints");
  w.start_object();
  w.field("supported", report.hw_watchpoints);
  w.field("message", report.hw_watchpoint_message);
  w.end_object();
  w.key("profiles");
  w.start_array();
  for (const auto& profile : report.profiles) {
    w.start_object();
    w.field("name", profile.profile);
    w.field("events", profile.events);
    w.end_object();
  }
  w.end_array();
  w.field("advice", report.advice);
}

}  // namespace ftbench::perf
