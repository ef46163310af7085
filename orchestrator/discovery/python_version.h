#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftbench::discovery {

struct PythonVersion {
  int major = 0;
  int minor = 0;
  int micro = 0;
  auto operator<=>(const PythonVersion&) const = default;
  std::string str() const;                                  // "3.13.5"
  static std::optional<PythonVersion> parse(std::string_view text);  // "3.13", "3.13.5", "3.13.0rc1"
};

// Orders full version texts, pre-releases included: 3.15.0a1 < 3.15.0a1+ (a development build
// after that tag) < 3.15.0a2 < 3.15.0b1 < 3.15.0rc1 < 3.15.0. PythonVersion ignores the tags
// (a spec "3.15" matches them all); choosing the newest of several builds needs them.
// Negative, zero or positive like strcmp; an unreadable text sorts first.
int compare_releases(std::string_view a, std::string_view b);

// Which versions an interpreter spec accepts: "3.13" (any 3.13.x), "3.13.5" (exactly), or
// comma-separated comparisons ">=3.10,<3.13". Parsing errors throw std::invalid_argument.
class VersionSpec {
 public:
  static VersionSpec parse(std::string_view text);
  bool matches(const PythonVersion& v) const;
  const std::string& text() const { return text_; }

 private:
  struct Clause {
    enum class Op { prefix, eq, ne, lt, le, gt, ge } op;
    PythonVersion version;
    int components;  // how many components were written (prefix matching uses them)
  };
  std::string text_;
  std::vector<Clause> clauses_;
};

}  // namespace ftbench::discovery
