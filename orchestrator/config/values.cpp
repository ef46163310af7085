// The value parsers the config file and the command line share.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "config/config.h"
#include "config/durations.h"
#include "util/strings.h"

namespace ftbench::config {

std::string SourceLocation::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::vector<OutputFormat> all_output_formats() {
  std::vector<OutputFormat> out;
  for (const auto& f : kOutputFormatNames) out.push_back(f.value);
  return out;
}

long long parse_int(const std::string& text, const IntSetting& setting) {
  const auto parsed = util::to_integer(text);
  if (!parsed) throw std::invalid_argument(std::string(setting.what) + " must be an integer, not '" + text + "'");
  const long long v = *parsed;
  if (v < setting.min || v > setting.max)
    throw std::invalid_argument(std::string(setting.what) + " must be between " + std::to_string(setting.min) +
                                " and " + std::to_string(setting.max) + ", not " + text);
  return v;
}

ThreadSetting parse_thread_setting(const std::string& text) {
  if (text == "ncpu") return {true, 0};
  const auto v = util::to_integer(text);
  if (!v || *v < 1 || *v > 4096)
    throw std::invalid_argument("thread count must be a number from 1 to 4096 or 'ncpu', not '" + text + "'");
  return {false, static_cast<int>(*v)};
}

std::filesystem::path parse_path(const std::string& text) {
  if (text.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home && *home) return std::filesystem::path(home) / text.substr(2);
  }
  return text;
}

void parse_version_query(const std::string& text, discovery::InterpreterQuery& query) {
  if (const auto rule = util::parse<discovery::VersionRule>(text); rule && *rule != discovery::VersionRule::spec) {
    query.rule = *rule;
    query.version.reset();
    return;
  }
  const bool word = !text.empty() && std::isalpha(static_cast<unsigned char>(text.front()));
  if (word)
    throw std::invalid_argument("version '" + text +
                                "' is neither a version spec (\"3.13\", \"3.13.5\", \">=3.10,<3.13\") nor one of "
                                "newest-free-threaded, before-free-threading");
  query.rule = discovery::VersionRule::spec;
  query.version = discovery::VersionSpec::parse(text);  // throws invalid_argument
}

std::string parse_interpreter_name(const std::string& text) {
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    const auto close = text.find('}', open);
    if (close == std::string::npos)
      throw std::invalid_argument("name '" + text +
                                  "' opens a '{' it does not close (placeholders: {minor}, {version})");
    const auto key = text.substr(open + 1, close - open - 1);
    if (key != "minor" && key != "version")
      throw std::invalid_argument("name '" + text + "' uses an unknown placeholder {" + key +
                                  "} (known: {minor} = \"3.14\", {version} = \"3.14.0\")");
  }
  if (text.find('}') != std::string::npos && text.find('{') == std::string::npos)
    throw std::invalid_argument("name '" + text + "' closes a '}' it never opened");
  return text;
}

std::string expand_name(const std::string& name, const discovery::Interpreter& interpreter) {
  std::string out = name;
  auto replace_all = [&](const std::string& key, const std::string& value) {
    for (size_t p = out.find(key); p != std::string::npos; p = out.find(key, p + value.size()))
      out.replace(p, key.size(), value);
  };
  replace_all("{minor}", std::to_string(interpreter.version.major) + "." + std::to_string(interpreter.version.minor));
  replace_all("{version}", interpreter.version_text);
  return out;
}

InterpreterSpec parse_python_argument(const std::string& text) {
  InterpreterSpec spec;
  if (text.find('/') != std::string::npos) {
    spec.path = parse_path(text);
    return spec;
  }
  if (const auto rule = util::parse<discovery::VersionRule>(text); rule && *rule != discovery::VersionRule::spec) {
    // On its own, newest-free-threaded means the free-threaded build.
    spec.query.rule = *rule;
    spec.query.free_threaded = *rule == discovery::VersionRule::newest_free_threaded;
    return spec;
  }
  std::string version = text;
  if (!version.empty() && version.back() == 't') {
    spec.query.free_threaded = true;
    version.pop_back();
  } else {
    spec.query.free_threaded = false;
  }
  parse_version_query(version, spec.query);  // throws invalid_argument
  return spec;
}

std::string parse_size(const std::string& text) {
  if (text == "default" || text == "quick") return text;
  parse_int(text, {"size (default, quick or a positive number)", 1, 1LL << 40});
  return text;
}

double parse_duration(const std::string& text) {
  double factor = 1;
  std::string digits = text;
  if (!text.empty() && std::string("smh").find(text.back()) != std::string::npos) {
    factor = text.back() == 's' ? 1 : text.back() == 'm' ? 60 : 3600;
    digits = text.substr(0, text.size() - 1);
  }
  const auto v = util::to_number(digits);
  if (!v || !(*v > 0)) throw std::invalid_argument("must be a positive duration like 90, 90s, 5m or 1h, not '" + text + "'");
  if (!(*v * factor <= kMaxDurationSeconds))
    throw std::invalid_argument("must be at most 30 days (720h), not '" + text + "'");
  return *v * factor;
}

std::optional<uint64_t> parse_size_limit(const std::string& text, const char* what, uint64_t min) {
  if (text == "unlimited") return std::nullopt;
  auto bad = [&](const std::string& why) {
    return std::invalid_argument(std::string(what) + " must be a size like 512M, 4G, 1.5G, 64K or a number of bytes (or " +
                                 "unlimited), not '" + text + "'" + why);
  };
  size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  const auto number = util::to_number(text.substr(0, end));
  if (end == 0 || !number || *number < 0 || text.substr(0, end).find_first_not_of("0123456789.") != std::string::npos)
    throw bad("");
  std::string unit = text.substr(end);
  for (const char* suffix : {"iB", "B"})  // "4GiB", "4GB", "512B": the same binary units
    if (unit.size() > std::strlen(suffix) && unit.compare(unit.size() - std::strlen(suffix), std::string::npos, suffix) == 0) {
      unit.resize(unit.size() - std::strlen(suffix));
      break;
    }
  static const std::string kUnits = "KMGT";
  double factor = 1;
  if (!unit.empty()) {
    const auto at = unit.size() == 1 ? kUnits.find(static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0]))))
                                     : std::string::npos;
    if (at == std::string::npos) throw bad(" (units: K, M, G, T)");
    factor = std::ldexp(1.0, 10 * static_cast<int>(at + 1));
  } else if (text.find('.') != std::string::npos) {
    throw bad(" (a fraction needs a unit)");
  }
  const double bytes = *number * factor;
  if (bytes > std::ldexp(1.0, 50)) throw bad(" (too large)");
  const auto value = static_cast<uint64_t>(bytes);
  if (value < min)
    throw std::invalid_argument(std::string(what) + " must be at least " + util::format_bytes(min) + ", not '" + text + "'");
  return value;
}

std::string limit_keys_text() { return util::join({std::begin(kLimitKeys), std::end(kLimitKeys)}); }

void parse_limit(const std::string& key, const std::string& value, Limits& limits) {
  if (key == "memory") {
    limits.memory_bytes = parse_size_limit(value, "limits.memory", 32ULL << 20);  // an interpreter needs ~10M to start
  } else if (key == "log") {
    limits.log_bytes = parse_size_limit(value, "limits.log", 4096);
  } else if (key == "open_files") {
    // "unlimited" as for the sizes: the child keeps the limit it inherits.
    limits.open_files = value == "unlimited" ? std::nullopt
                                             : std::optional<uint64_t>(parse_int(value, {"limits.open_files", 16, 1 << 20}));
  } else {
    throw std::invalid_argument("unknown limit '" + key + "' (known: " + limit_keys_text() + ")");
  }
}

perf::Profile parse_profile(const std::string& text) {
  if (auto p = util::parse<perf::Profile>(text)) return *p;
  throw std::invalid_argument("counters profile must be " + util::choices<perf::Profile>() + ", not '" + text + "'");
}

OutputFormat parse_output_format(const std::string& text) {
  if (auto f = util::parse<OutputFormat>(text)) return *f;
  throw std::invalid_argument("unknown output format '" + text + "' (known: " + util::choices<OutputFormat>(", ") + ")");
}

std::vector<OutputFormat> parse_output_formats(const std::vector<std::string>& values) {
  std::vector<OutputFormat> out;
  for (const auto& text : util::split_commas(values)) {
    const auto f = parse_output_format(text);
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

double parse_number(const std::string& text, const char* what, double min, double max) {
  const auto v = util::to_number(text);
  if (!v) throw std::invalid_argument(std::string(what) + " must be a number, not '" + text + "'");
  if (*v < min || *v > max)
    throw std::invalid_argument(fmt::format("{} must be between {} and {}, not {}", what, min, max, text));
  return *v;
}

Affinity::Mode parse_affinity_mode(const std::string& text) {
  // "off" is accepted as a spelling of none: YAML users write it for switches.
  const auto mode = text == "off" ? std::optional(Affinity::Mode::none) : util::parse<Affinity::Mode>(text);
  if (!mode || *mode == Affinity::Mode::list)
    throw std::invalid_argument("affinity must be auto, none, or a list of CPU numbers, not '" + text + "'");
  return *mode;
}

}  // namespace ftbench::config
