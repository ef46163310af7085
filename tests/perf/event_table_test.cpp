// Every HITM row must encode under its libpfm4 PMU, forced with LIBPFM_FORCE_PMU. libpfm4 reads
// that variable once per process (and 4.13 does not fully reset on pfm_terminate), so each PMU
// is checked in a fresh process: a gtest "threadsafe" death test re-executes this binary.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "perf/counters.h"
#include "perf/event_resolver.h"
#include "perf/event_table.h"
#include "perf/libpfm.h"
#include "perf/system.h"

namespace ftbench::perf {
namespace {

struct ExpectedConfig {
  std::uint64_t local;
  std::uint64_t remote;  // 0: no remote row
};

// Raw encodings (umask << 8 | event) from the Intel/AMD event lists; the test proves that the
// libpfm4 spellings in event_table.cpp produce exactly these.
const std::map<std::string, ExpectedConfig>& expected_configs() {
  static const std::map<std::string, ExpectedConfig> configs = {
      {"hsw", {0x04d2, 0}},        {"hsw_ep", {0x04d2, 0x10d3}},
      {"bdw", {0x04d2, 0}},        {"bdw_ep", {0x04d2, 0x10d3}},
      {"skl", {0x04d2, 0}},        {"skx", {0x04d2, 0x04d3}},
      {"clx", {0x04d2, 0x04d3}},   {"icl", {0x04d2, 0}},
      {"icx", {0x04d2, 0x04d3}},   {"spr", {0x04d2, 0x04d3}},
      {"amd64_fam17h_zen2", {0x0243, 0x1043}},
      {"amd64_fam19h_zen3", {0x0643, 0x1043}},
      {"amd64_fam19h_zen4", {0x0643, 0x1043}},
  };
  return configs;
}

bool machine_has_cpu_pmu() {
  return std::filesystem::exists("/sys/bus/event_source/devices/cpu") ||
         !enumerate_cpu_pmus().empty();
}

// Runs in the re-executed child. Returns the problems found (empty = all good).
std::string check_forced_pmu(const std::string& pmu) {
  ::setenv("LIBPFM_FORCE_PMU", pmu.c_str(), 1);
  std::ostringstream errors;
  const auto core = libpfm::core_pmu_name();
  if (core != pmu) errors << "libpfm4 core PMU is '" << core.value_or("none") << "'\n";
  const HitmRow* row = find_hitm_row(pmu);
  if (!row) return "no HITM row for " + pmu;
  const ExpectedConfig expected = expected_configs().at(pmu);
  if ((expected.remote != 0) != !row->remote_event.empty()) errors << "remote row mismatch\n";

  const ResolvedEvent hitm = resolve_event(kHitmAlias);
  if (!hitm.ok()) return errors.str() + "hitm: " + hitm.message;
  const std::size_t parts = row->remote_event.empty() ? 1 : 2;
  if (hitm.parts.size() != parts) errors << "hitm has " << hitm.parts.size() << " parts\n";
  if (hitm.proxy != row->proxy) errors << "proxy flag mismatch\n";
  for (const auto& part : hitm.parts) {
    const bool local = part.label == "local";
    const std::string_view spelling = local ? row->local_event : row->remote_event;
    const std::uint64_t config = local ? expected.local : expected.remote;
    if (part.attr.type != PERF_TYPE_RAW) errors << part.label << ": type " << part.attr.type << "\n";
    if ((part.attr.config & 0xffffffffULL) != config) {
      errors << part.label << ": config 0x" << std::hex << part.attr.config << " expected 0x"
             << config << std::dec << "\n";
    }
    if (part.encoding.find(pmu + "::" + std::string(spelling)) == std::string::npos) {
      errors << part.label << ": encoding '" << part.encoding << "'\n";
    }
    if (!part.user_space_fallback) errors << part.label << ": no user-space fallback\n";
  }
  const ResolvedEvent remote = resolve_event(kHitmRemoteAlias);
  if (row->remote_event.empty() ? remote.status != Status::not_supported : !remote.ok()) {
    errors << "hitm.remote: " << util::name(remote.status) << " " << remote.message << "\n";
  }
  const ResolvedEvent local = resolve_event(kHitmLocalAlias);
  if (!local.ok() || local.parts.size() != 1) errors << "hitm.local: " << local.message << "\n";
  // The raw libpfm4 spelling works too, with or without the PMU prefix.
  for (const std::string& name : {std::string(row->local_event), pmu + "::" + std::string(row->local_event)}) {
    const ResolvedEvent direct = resolve_event(name);
    if (!direct.ok()) errors << name << ": " << direct.message << "\n";
  }
  // Opening a model-specific event on a machine without a PMU: not_supported, not a crash.
  if (!machine_has_cpu_pmu()) {
    const auto probe = probe_events({{"hitm", false}, {std::string(row->local_event), false}});
    for (const auto& capability : probe) {
      if (capability.status != Status::not_supported ||
          capability.message.find("ENOENT") == std::string::npos) {
        errors << "open " << capability.name << ": " << util::name(capability.status) << " "
               << capability.message << "\n";
      }
    }
  }
  return errors.str();
}

[[noreturn]] void run_forced_pmu_check(const std::string& pmu) {
  const std::string errors = check_forced_pmu(pmu);
  std::cerr << (errors.empty() ? "OK " + pmu : errors) << std::flush;
  std::exit(errors.empty() ? 0 : 1);
}

std::vector<std::string> all_row_pmus() {
  std::vector<std::string> pmus;
  for (const auto& row : hitm_table()) {
    for (const auto name : row.libpfm_pmus) pmus.emplace_back(name);
  }
  return pmus;
}

class ForcedPmu : public ::testing::TestWithParam<std::string> {};

TEST_P(ForcedPmu, HitmRowEncodesAndOpensAsNotSupportedWithoutAPmu) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_forced_pmu_check(GetParam()), ::testing::ExitedWithCode(0), "OK");
}

INSTANTIATE_TEST_SUITE_P(EveryHitmRow, ForcedPmu, ::testing::ValuesIn(all_row_pmus()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

TEST(EventTable, EveryRowHasAnExpectedEncodingAndTheBriefsPmusAreCovered) {
  for (const auto& pmu : all_row_pmus()) EXPECT_EQ(expected_configs().count(pmu), 1u) << pmu;
  for (const char* pmu : {"skl", "icx", "spr", "amd64_fam19h_zen4"}) {
    EXPECT_NE(find_hitm_row(pmu), nullptr) << pmu;
  }
  for (const auto& row : hitm_table()) {
    EXPECT_FALSE(row.local_event.empty()) << row.cpu;
    EXPECT_EQ(row.proxy, row.cpu.rfind("AMD", 0) == 0) << row.cpu;  // AMD rows are proxies
  }
}

TEST(EventTable, AliasesAreUniqueAndCoverTheIssueList) {
  for (const char* alias : {"cycles", "instructions", "cache-references", "cache-misses",
                            "LLC-load-misses", "branch-misses", "task-clock", "context-switches",
                            "cpu-migrations", "page-faults", "minor-faults", "major-faults"}) {
    EXPECT_NE(find_alias(alias), nullptr) << alias;
  }
  const auto aliases = event_aliases();
  for (std::size_t i = 0; i < aliases.size(); ++i) {
    for (std::size_t j = i + 1; j < aliases.size(); ++j) EXPECT_NE(aliases[i].alias, aliases[j].alias);
  }
}

}  // namespace
}  // namespace ftbench::perf
