#include <gtest/gtest.h>

#include "perf/profiles.h"
#include "perf/status.h"

namespace ftbench::perf {
namespace {

std::vector<std::string> names(Profile profile) {
  std::vector<std::string> out;
  for (const auto& request : profile_events(profile)) {
    EXPECT_FALSE(request.required) << request.name;
    out.push_back(request.name);
  }
  return out;
}

TEST(Profiles, NamesRoundTrip) {
  for (const auto& profile : kProfileNames) EXPECT_EQ(util::parse<Profile>(util::name(profile.value)), profile.value);
  EXPECT_EQ(util::parse<Profile>("basic"), Profile::basic);
  EXPECT_FALSE(util::parse<Profile>("detailled"));
  EXPECT_EQ(util::choices<Profile>(), "none, basic or detailed");
}

TEST(Profiles, EventSets) {
  EXPECT_TRUE(names(Profile::none).empty());
  const std::vector<std::string> basic = {"task-clock", "context-switches", "cpu-migrations",
                                          "page-faults", "syscalls:sys_enter_futex"};
  EXPECT_EQ(names(Profile::basic), basic);
  std::vector<std::string> detailed = basic;
  for (const char* name : {"cycles", "instructions", "cache-references", "cache-misses",
                           "LLC-load-misses", "branch-misses", "hitm"}) {
    detailed.emplace_back(name);
  }
  EXPECT_EQ(names(Profile::detailed), detailed);
}

TEST(Status, StableStrings) {  // they are written into results files
  EXPECT_EQ(util::name(Status::counted), "counted");
  EXPECT_EQ(util::name(Status::not_counted), "not_counted");
  EXPECT_EQ(util::name(Status::not_supported), "not_supported");
  EXPECT_EQ(util::name(Status::not_permitted), "not_permitted");
  EXPECT_EQ(util::name(Status::unknown_event), "unknown_event");
  EXPECT_EQ(util::name(Status::tracefs_unavailable), "tracefs_unavailable");
  EXPECT_EQ(util::name(Status::error), "error");
}

}  // namespace
}  // namespace ftbench::perf
