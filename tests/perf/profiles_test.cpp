#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "perf/file_descriptor.h"
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

TEST(Profiles, ParseValidNamesAndRoundTrip) {
  for (const Profile profile : all_profiles()) EXPECT_EQ(parse_profile(to_string(profile)), profile);
  EXPECT_EQ(parse_profile("basic"), Profile::basic);
}

TEST(Profiles, ParseErrorListsValidNames) {
  try {
    (void)parse_profile("detailled");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'detailled'"), std::string::npos) << message;
    EXPECT_NE(message.find("none, basic, detailed"), std::string::npos) << message;
  }
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

TEST(Status, StableStrings) {
  EXPECT_EQ(to_string(Status::counted), "counted");
  EXPECT_EQ(to_string(Status::not_counted), "not_counted");
  EXPECT_EQ(to_string(Status::not_supported), "not_supported");
  EXPECT_EQ(to_string(Status::not_permitted), "not_permitted");
  EXPECT_EQ(to_string(Status::unknown_event), "unknown_event");
  EXPECT_EQ(to_string(Status::tracefs_unavailable), "tracefs_unavailable");
  EXPECT_EQ(to_string(Status::error), "error");
}

TEST(FileDescriptor, ClosesOnceAndMoves) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    FileDescriptor a(fds[0]);
    FileDescriptor b(std::move(a));
    EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from state is defined
    EXPECT_EQ(b.get(), fds[0]);
    FileDescriptor c;
    c = std::move(b);
    EXPECT_EQ(c.get(), fds[0]);
    FileDescriptor d(fds[1]);
    const int raw = d.release();
    EXPECT_FALSE(d.valid());
    d.reset(raw);
  }
  EXPECT_EQ(::fcntl(fds[0], F_GETFD), -1);
  EXPECT_EQ(::fcntl(fds[1], F_GETFD), -1);
}

}  // namespace
}  // namespace ftbench::perf
