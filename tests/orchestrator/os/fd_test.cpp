#include "os/fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace ftbench::os {
namespace {

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
}  // namespace ftbench::os
