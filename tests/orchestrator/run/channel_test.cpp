#include "run/channel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

using namespace ftbench::run;

namespace {

auto soon(int ms = 2000) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

void write_str(int fd, const std::string& s) { ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

}  // namespace

TEST(Channel, ReadsMessagesSplitAcrossWrites) {
  auto [ch, ends] = Channel::create();
  write_str(ends.event_write.get(), "{\"type\":\"re");
  write_str(ends.event_write.get(), "ady\",\"iteration\":0}\n{\"type\":\"done\"}\n");
  auto a = ch.receive(soon());
  ASSERT_EQ(a.status, Channel::Status::line);
  EXPECT_EQ(a.line, "{\"type\":\"ready\",\"iteration\":0}");
  EXPECT_EQ(ch.receive(soon()).line, "{\"type\":\"done\"}");
  EXPECT_EQ(ch.receive(soon(50)).status, Channel::Status::timeout);
}

TEST(Channel, EmptyLinesAndCarriageReturnsAreSkipped) {
  auto [ch, ends] = Channel::create();
  write_str(ends.event_write.get(), "\n\r\n{\"type\":\"bye\"}\r\n");
  auto in = ch.receive(soon());
  ASSERT_EQ(in.status, Channel::Status::line);
  EXPECT_EQ(in.line, "{\"type\":\"bye\"}");
}

TEST(Channel, OverlongLineIsGarbageAndBounded) {
  auto [ch, ends] = Channel::create();
  int fd = ends.event_write.release();
  std::thread writer([fd] {
    std::string chunk(1 << 16, 'x');
    for (size_t written = 0; written <= Channel::kMaxLine + chunk.size(); written += chunk.size())
      if (::write(fd, chunk.data(), chunk.size()) < 0) break;
    ::close(fd);
  });
  auto in = ch.receive(soon(10000));
  EXPECT_EQ(in.status, Channel::Status::garbage);
  EXPECT_NE(in.problem.find("longer than"), std::string::npos);
  ch = Channel::create().first;  // closes our read end so the writer cannot block forever
  writer.join();
}

TEST(Channel, ClosedAndUnterminated) {
  {
    auto [ch, ends] = Channel::create();
    ends.event_write.reset();
    EXPECT_EQ(ch.receive(soon()).status, Channel::Status::closed);
  }
  {
    auto [ch, ends] = Channel::create();
    write_str(ends.event_write.get(), "{\"type\":\"hel");
    ends.event_write.reset();
    auto in = ch.receive(soon());
    EXPECT_EQ(in.status, Channel::Status::garbage);
    EXPECT_NE(in.problem.find("unterminated"), std::string::npos);
  }
}

TEST(Channel, SendToAGoneChildFailsWithoutSigpipe) {
  auto [ch, ends] = Channel::create();
  EXPECT_TRUE(ch.send("{\"type\":\"start\"}"));
  char buf[64];
  EXPECT_EQ(::read(ends.command_read.get(), buf, sizeof buf), 17);
  ends.command_read.reset();
  EXPECT_FALSE(ch.send("{\"type\":\"go\"}"));
}
