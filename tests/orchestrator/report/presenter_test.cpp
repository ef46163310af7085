#include "report/presenter.h"

#include <gtest/gtest.h>

namespace ftbench::report {
namespace {

TEST(Presenter, DurationsAndCounts) {
  EXPECT_EQ(format_duration_ns(1234567), "1.23 ms");
  EXPECT_EQ(format_duration_ns(456), "456 ns");
  EXPECT_EQ(format_duration_ns(12.34e9), "12.3 s");
  EXPECT_EQ(format_duration_ns(0.5), "0.50 ns");
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(12.34), "12.3");
  EXPECT_EQ(format_count(0.000456), "0.000456");
}

}  // namespace
}  // namespace ftbench::report
