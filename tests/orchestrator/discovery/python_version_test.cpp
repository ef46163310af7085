#include <gtest/gtest.h>

#include "discovery/discovery.h"
#include "util/enum_names.h"
#include "discovery/python_version.h"

using namespace ftbench::discovery;

TEST(PythonVersion, Parses) {
  EXPECT_EQ(PythonVersion::parse("3.13.5"), (PythonVersion{3, 13, 5}));
  EXPECT_EQ(PythonVersion::parse("3.13"), (PythonVersion{3, 13, 0}));
  EXPECT_EQ(PythonVersion::parse("3.14.0rc1"), (PythonVersion{3, 14, 0}));
  EXPECT_FALSE(PythonVersion::parse("three"));
  EXPECT_FALSE(PythonVersion::parse("3"));
}

TEST(VersionSpec, PrefixAndComparisons) {
  auto v = [](int a, int b, int c) { return PythonVersion{a, b, c}; };
  EXPECT_TRUE(VersionSpec::parse("3.13").matches(v(3, 13, 5)));
  EXPECT_FALSE(VersionSpec::parse("3.13").matches(v(3, 12, 9)));
  EXPECT_TRUE(VersionSpec::parse("3.13.5").matches(v(3, 13, 5)));
  EXPECT_FALSE(VersionSpec::parse("3.13.5").matches(v(3, 13, 4)));
  auto range = VersionSpec::parse(">=3.10, <3.13");
  EXPECT_TRUE(range.matches(v(3, 10, 0)));
  EXPECT_TRUE(range.matches(v(3, 12, 1)));
  EXPECT_FALSE(range.matches(v(3, 13, 0)));
  EXPECT_FALSE(range.matches(v(3, 9, 18)));
  EXPECT_TRUE(VersionSpec::parse("!=3.13.0").matches(v(3, 13, 1)));
  EXPECT_THROW(VersionSpec::parse(""), std::invalid_argument);
  EXPECT_THROW(VersionSpec::parse(">=x"), std::invalid_argument);
}

TEST(Select, PrefersProvisionedThenNewest) {
  auto make = [](Source s, PythonVersion v, bool ft) {
    Interpreter f;
    f.source = s;
    f.version = v;
    f.version_text = v.str();
    f.free_threaded_build = ft;
    f.path = "/x/" + v.str() + (ft ? "t" : "") + ftbench::util::name_string(s);
    return f;
  };
  std::vector<Interpreter> found{make(Source::pyenv, {3, 13, 9}, false), make(Source::provisioned, {3, 13, 5}, false),
                                      make(Source::provisioned, {3, 13, 5}, true), make(Source::pyenv, {3, 12, 1}, false),
                                      make(Source::system, {3, 11, 2}, false)};
  InterpreterQuery q13;
  q13.version = VersionSpec::parse("3.13");
  q13.free_threaded = false;
  EXPECT_EQ(select(found, q13)->source, Source::provisioned);
  q13.source = Source::pyenv;
  EXPECT_EQ(select(found, q13)->version, (PythonVersion{3, 13, 9}));
  InterpreterQuery older;
  older.version = VersionSpec::parse("<3.13");
  older.free_threaded = false;
  EXPECT_EQ(select(found, older)->version, (PythonVersion{3, 12, 1}));
  InterpreterQuery ft14;
  ft14.version = VersionSpec::parse("3.14");
  EXPECT_FALSE(select(found, ft14));
}

TEST(PythonVersion, ReleasesOrderWithTheirTags) {
  const std::vector<std::string> ordered{"3.13.5", "3.14.0a1", "3.14.0a1+", "3.14.0a2", "3.14.0b1",
                                         "3.14.0rc1", "3.14.0rc2", "3.14.0", "3.14.1", "3.15.0a1"};
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    EXPECT_LT(compare_releases(ordered[i], ordered[i + 1]), 0) << ordered[i] << " < " << ordered[i + 1];
    EXPECT_GT(compare_releases(ordered[i + 1], ordered[i]), 0) << ordered[i + 1] << " > " << ordered[i];
  }
  EXPECT_EQ(compare_releases("3.14.0", "3.14.0"), 0);
  EXPECT_LT(compare_releases("garbage", "3.6.0"), 0);
}
