#include "discovery/python_version.h"

#include <array>
#include <cctype>
#include <stdexcept>

#include "util/strings.h"

namespace ftbench::discovery {
namespace {

// Parses up to three dot-separated numbers; trailing pre-release tags ("rc1", "a4", "+") end
// the number. Returns the count of components read, 0 on failure.
int parse_components(std::string_view text, PythonVersion& out) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  size_t i = 0;
  while (count < 3 && i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    int value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      if (value > 100000) return 0;
      ++i;
    }
    parts[count++] = value;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return 0;
    } else {
      break;
    }
  }
  if (count == 0) return 0;
  out = {parts[0], parts[1], parts[2]};
  return count;
}

// (major, minor, micro, level, serial, dev): level 0 = alpha, 1 = beta, 2 = rc, 3 = final;
// dev = 1 for a trailing '+'.
std::array<int, 6> release_key(std::string_view text) {
  text = util::trim(text);
  PythonVersion v;
  if (parse_components(text, v) < 2) return {-1, 0, 0, 0, 0, 0};
  size_t i = 0;  // skip the numeric part
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  auto rest = text.substr(i);
  int level = 3, serial = 0, dev = 0;
  if (!rest.empty() && rest.back() == '+') {
    dev = 1;
    rest.remove_suffix(1);
  }
  for (const auto& [tag, tag_level] : {std::pair<std::string_view, int>{"rc", 2}, {"a", 0}, {"b", 1}}) {
    if (rest.substr(0, tag.size()) == tag) {
      level = tag_level;
      serial = static_cast<int>(util::to_integer(rest.substr(tag.size())).value_or(0));
      break;
    }
  }
  return {v.major, v.minor, v.micro, level, serial, dev};
}

}  // namespace

int compare_releases(std::string_view a, std::string_view b) {
  const auto ka = release_key(a), kb = release_key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

std::string PythonVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro);
}

std::optional<PythonVersion> PythonVersion::parse(std::string_view text) {
  PythonVersion v;
  if (parse_components(util::trim(text), v) < 2) return std::nullopt;
  return v;
}

VersionSpec VersionSpec::parse(std::string_view text) {
  VersionSpec spec;
  spec.text_ = std::string(util::trim(text));
  std::string_view rest = spec.text_;
  if (rest.empty()) throw std::invalid_argument("empty version spec");
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto clause_text = util::trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    Clause clause{Clause::Op::prefix, {}, 0};
    struct OpText { std::string_view text; Clause::Op op; };
    static constexpr OpText ops[] = {{">=", Clause::Op::ge}, {"<=", Clause::Op::le}, {"==", Clause::Op::eq},
                                     {"!=", Clause::Op::ne}, {">", Clause::Op::gt},  {"<", Clause::Op::lt}};
    for (const auto& o : ops) {
      if (clause_text.substr(0, o.text.size()) == o.text) {
        clause.op = o.op;
        clause_text = util::trim(clause_text.substr(o.text.size()));
        break;
      }
    }
    clause.components = parse_components(clause_text, clause.version);
    if (clause.components == 0 || clause.version.major < 2)
      throw std::invalid_argument("'" + spec.text_ + "' is not a version spec (use e.g. \"3.13\", \"3.13.5\" or \">=3.10,<3.13\")");
    spec.clauses_.push_back(clause);
  }
  return spec;
}

bool VersionSpec::matches(const PythonVersion& v) const {
  for (const auto& c : clauses_) {
    bool ok = false;
    switch (c.op) {
      case Clause::Op::prefix:
        ok = v.major == c.version.major && (c.components < 2 || v.minor == c.version.minor) &&
             (c.components < 3 || v.micro == c.version.micro);
        break;
      case Clause::Op::eq: ok = v == c.version; break;
      case Clause::Op::ne: ok = v != c.version; break;
      case Clause::Op::lt: ok = v < c.version; break;
      case Clause::Op::le: ok = v <= c.version; break;
      case Clause::Op::gt: ok = v > c.version; break;
      case Clause::Op::ge: ok = v >= c.version; break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace ftbench::discovery
