// The doctor report, its two renderers, and the not_permitted path (an unprivileged child).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include "perf/counters.h"
#include "perf/doctor.h"
#include "perf/profiles.h"
#include "perf/system.h"
#include "tests/perf/test_support.h"

namespace ftbench::perf {
namespace {

const std::set<std::string> kStatuses = {"counted",       "not_counted",   "not_supported",
                                         "not_permitted", "unknown_event", "tracefs_unavailable",
                                         "error"};

TEST(Doctor, ReportsEveryProfileEventWithAStatus) {
  const DoctorReport report = run_doctor();
  ASSERT_EQ(report.profiles.size(), std::size(kProfileNames));
  for (std::size_t i = 0; i < report.profiles.size(); ++i) {
    const Profile profile = kProfileNames[i].value;
    EXPECT_EQ(report.profiles[i].profile, profile);
    const auto requests = profile_events(profile);
    ASSERT_EQ(report.profiles[i].events.size(), requests.size());
    for (std::size_t e = 0; e < requests.size(); ++e) {
      const auto& event = report.profiles[i].events[e];
      EXPECT_EQ(event.name, requests[e].name);
      EXPECT_EQ(kStatuses.count(util::name_string(event.status)), 1u);
      if (event.status != Status::counted) {
        EXPECT_FALSE(event.message.empty()) << event.name;
      }
    }
  }
  // Software events count everywhere perf_event_open is allowed at all.
  for (const auto& event : report.profiles[1].events) {
    if (event.name == "syscalls:sys_enter_futex" && report.tracefs_status != Status::counted) continue;
    EXPECT_EQ(event.status, Status::counted) << event.name << ": " << event.message;
  }
  EXPECT_FALSE(report.kernel.empty());
  EXPECT_TRUE(report.libpfm_error.empty());
  EXPECT_TRUE(std::any_of(report.libpfm_pmus.begin(), report.libpfm_pmus.end(),
                          [](const libpfm::PmuInfo& pmu) { return pmu.name == "perf"; }));
  EXPECT_TRUE(report.perf_event_paranoid.has_value());
  EXPECT_TRUE(report.hw_watchpoints) << report.hw_watchpoint_message;
}

TEST(Doctor, TableNamesEveryEventAndTheSystemFacts) {
  const DoctorReport report = run_doctor();
  const std::string table = render_doctor_table(report);
  for (const char* key : {"kernel", "libpfm4 PMUs", "perf_event_paranoid", "tracefs",
                          "hardware watchpoints", "profile none", "profile basic", "profile detailed"}) {
    EXPECT_NE(table.find(key), std::string::npos) << key;
  }
  for (const auto& profile : report.profiles) {
    for (const auto& event : profile.events) EXPECT_NE(table.find(event.name), std::string::npos);
  }
}

TEST(Doctor, JsonIsValidAndHasTheExpectedFields) {
  const DoctorReport report = run_doctor();
  rapidjson::Document doc;
  doc.Parse(json::to_string(report).c_str());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc.IsObject());
  for (const char* key : {"kernel", "libpfm", "cpu_pmus", "hybrid", "hardware_pmu", "perf_event_paranoid",
                          "paranoid_meaning", "perf_privileged", "tracefs", "hw_watchpoints",
                          "profiles", "advice"}) {
    EXPECT_TRUE(doc.HasMember(key)) << key;
  }
  EXPECT_TRUE(doc["libpfm"]["pmus"].IsArray());
  EXPECT_TRUE(doc["tracefs"]["readable"].IsBool());
  EXPECT_TRUE(doc["hw_watchpoints"]["supported"].IsBool());
  const auto& profiles = doc["profiles"];
  ASSERT_TRUE(profiles.IsArray());
  ASSERT_EQ(profiles.Size(), report.profiles.size());
  for (const auto& profile : profiles.GetArray()) {
    ASSERT_TRUE(profile["name"].IsString());
    const auto wanted = profile_events(*util::parse<Profile>(profile["name"].GetString()));
    ASSERT_EQ(profile["events"].Size(), wanted.size());
    for (const auto& event : profile["events"].GetArray()) {
      for (const char* key : {"name", "status", "message", "encoding", "note"}) {
        EXPECT_TRUE(event[key].IsString()) << key;
      }
      EXPECT_TRUE(event["proxy"].IsBool());
      EXPECT_EQ(kStatuses.count(event["status"].GetString()), 1u);
    }
  }
}

TEST(Doctor, NoHardwarePmuGivesOneAdviceLine) {
  const DoctorReport report = run_doctor();
  if (report.hardware_pmu) GTEST_SKIP() << "this machine has a hardware PMU";
  const auto lines = std::count_if(report.advice.begin(), report.advice.end(), [](const std::string& line) {
    return line.find("no hardware PMU") != std::string::npos;
  });
  EXPECT_EQ(lines, 1);
  for (const auto& line : report.advice) EXPECT_EQ(line.find("ENOENT"), std::string::npos) << line;
}

TEST(Doctor, MissingTracefsGivesAdvice) {
  test::TempDir empty;
  AttachOptions options;
  options.paths.tracefs_candidates = {empty.path()};
  const DoctorReport report = run_doctor(options);
  EXPECT_EQ(report.tracefs_status, Status::tracefs_unavailable);
  const auto& basic = report.profiles[1].events;
  const auto futex = std::find_if(basic.begin(), basic.end(), [](const EventCapability& e) {
    return e.name == "syscalls:sys_enter_futex";
  });
  ASSERT_NE(futex, basic.end());
  EXPECT_EQ(futex->status, Status::tracefs_unavailable);
  EXPECT_TRUE(std::any_of(report.advice.begin(), report.advice.end(), [](const std::string& line) {
    return line.find("mount -t tracefs") != std::string::npos;
  }));
}

// Runs in a re-executed child that drops root: kernel-side events must report not_permitted
// with the paranoid level to set, user-space-meaningful ones fall back to user-only counting.
std::string check_unprivileged() {
  if (::setgid(65534) != 0 || ::setuid(65534) != 0) return "cannot drop privileges";
  std::ostringstream errors;
  if (has_perf_privilege()) errors << "still privileged\n";
  const auto caps = probe_events({{"context-switches", false},
                                  {"page-faults", false},
                                  {"syscalls:sys_enter_futex", false},
                                  {"task-clock", false}});
  const auto& switches = caps[0];
  if (switches.status != Status::not_permitted ||
      switches.message.find("kernel.perf_event_paranoid<=1") == std::string::npos ||
      switches.message.find("CAP_PERFMON") == std::string::npos) {
    errors << "context-switches: " << util::name(switches.status) << " " << switches.message << "\n";
  }
  const auto& faults = caps[1];
  if (faults.status != Status::counted || faults.note.find("user-space only") == std::string::npos) {
    errors << "page-faults: " << util::name(faults.status) << " " << faults.message << " / "
           << faults.note << "\n";
  }
  const auto& futex = caps[2];
  if (futex.status != Status::not_permitted && futex.status != Status::tracefs_unavailable) {
    errors << "futex: " << util::name(futex.status) << " " << futex.message << "\n";
  }
  const auto& clock = caps[3];  // clock events ignore exclude_kernel: complete, no caveat
  if (clock.status != Status::counted || !clock.note.empty()) {
    errors << "task-clock: " << util::name(clock.status) << " " << clock.note << "\n";
  }
  return errors.str();
}

[[noreturn]] void run_unprivileged_check() {
  const std::string errors = check_unprivileged();
  std::cerr << (errors.empty() ? std::string("OK") : errors) << std::flush;
  std::exit(errors.empty() ? 0 : 1);
}

TEST(Permissions, UnprivilegedProcessGetsNotPermittedWithAdvice) {
  const auto paranoid = read_perf_event_paranoid();
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
  if (!paranoid || *paranoid < 2) GTEST_SKIP() << "perf_event_paranoid < 2 allows kernel counting";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_unprivileged_check(), ::testing::ExitedWithCode(0), "OK");
}

}  // namespace
}  // namespace ftbench::perf
