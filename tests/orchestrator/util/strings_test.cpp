#include "util/strings.h"

#include <gtest/gtest.h>

using ftbench::util::split_commas;

TEST(SplitCommas, WordsAndCommaListsMix) {
  EXPECT_EQ(split_commas({"1,2", "4", "ncpu,"}), (std::vector<std::string>{"1", "2", "4", "ncpu"}));
  EXPECT_EQ(split_commas({",,"}), std::vector<std::string>{});
  EXPECT_EQ(split_commas({}), std::vector<std::string>{});
}
