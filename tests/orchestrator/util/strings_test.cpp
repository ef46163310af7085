#include "util/strings.h"

#include <gtest/gtest.h>

using ftbench::util::split_commas;

TEST(SplitCommas, WordsAndCommaListsMix) {
  EXPECT_EQ(split_commas({"1,2", "4", "ncpu,"}), (std::vector<std::string>{"1", "2", "4", "ncpu"}));
  EXPECT_EQ(split_commas({",,"}), std::vector<std::string>{});
  EXPECT_EQ(split_commas({}), std::vector<std::string>{});
}

TEST(Printable, ControlCharactersBecomeEscapesAndTheRestStays) {
  using ftbench::util::printable;
  EXPECT_EQ(printable("3.13t+GIL ünï ☃ <b>'\"$(x)`y`;|&"), "3.13t+GIL ünï ☃ <b>'\"$(x)`y`;|&");
  EXPECT_EQ(printable("a\nb\r\tc"), "a\\nb\\r\\tc");
  EXPECT_EQ(printable("\x1b[31mred\x1b]0;title\x07"), "\\x1b[31mred\\x1b]0;title\\x07");
  EXPECT_EQ(printable(std::string("nul\0byte", 8)), "nul\\x00byte");
  EXPECT_EQ(printable("\x7f"), "\\x7f");
  EXPECT_EQ(printable("\xc2\x9b" "31m"), "\\u009b31m");  // C1 CSI, as UTF-8
  EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0");           // U+00A0 is text
  EXPECT_EQ(printable("\xc2"), "\xc2");                   // a cut sequence stays as it was
  EXPECT_EQ(printable("row 1\x1b[2J\nrow 2\r\n", true), "row 1\\x1b[2J\nrow 2\\r\n");  // a table keeps its lines
}

TEST(FileNamePart, OneComponentInsideItsFolderDeterministicAndBounded) {
  using ftbench::util::file_name_part;
  EXPECT_EQ(file_name_part("3.13t-free_threaded"), "3.13t-free_threaded");
  EXPECT_EQ(file_name_part("3.13t+GIL"), "3.13t_GIL");
  EXPECT_EQ(file_name_part("../../etc/x"), "_._.._etc_x");
  EXPECT_EQ(file_name_part(".."), "_.");
  EXPECT_EQ(file_name_part("."), "_");
  EXPECT_EQ(file_name_part("/abs/path"), "_abs_path");
  EXPECT_EQ(file_name_part(""), "_");
  EXPECT_EQ(file_name_part(std::string("a\0b\nc", 5)), "a_b_c");
  EXPECT_EQ(file_name_part("ü"), "__");  // each byte of the UTF-8 sequence
  EXPECT_EQ(file_name_part(std::string(300, 'L')).size(), 100u);
  EXPECT_EQ(file_name_part(std::string(300, 'L'), 20), std::string(20, 'L'));
  for (const char* label : {"../../etc/x", "/abs/path", "..", "a/b", "con", "new\nline", "-rf", "~root"}) {
    const auto name = file_name_part(label);
    EXPECT_EQ(name.find('/'), std::string::npos) << label;
    EXPECT_NE(name.front(), '.') << label;
    EXPECT_EQ(name, file_name_part(label)) << label;
  }
}

TEST(FileNamePart, DistinctLabelsGiveDistinctNames) {
  using ftbench::util::distinct_file_name_part;
  EXPECT_EQ(distinct_file_name_part("3.13t"), "3.13t");  // clean labels keep their name
  EXPECT_NE(distinct_file_name_part("a/b"), distinct_file_name_part("a_b"));
  EXPECT_NE(distinct_file_name_part("a/b"), distinct_file_name_part("a:b"));
  EXPECT_EQ(distinct_file_name_part("a/b"), distinct_file_name_part("a/b"));
  const auto long_a = distinct_file_name_part(std::string(300, 'L'));
  const auto long_b = distinct_file_name_part(std::string(299, 'L') + "M");
  EXPECT_NE(long_a, long_b);  // the same first 100 bytes, told apart by the hash
  EXPECT_LE(long_a.size(), 100u);
  EXPECT_LE(distinct_file_name_part(std::string(300, 'L'), 40).size(), 40u);
  EXPECT_EQ(distinct_file_name_part("a/b").rfind("a_b-", 0), 0u);
}
