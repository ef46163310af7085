#include "util/strings.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace ftbench::util {

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      if (comma > start) out.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string last_nonempty_line(const std::string& text) {
  const size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  const size_t newline = text.rfind('\n', end);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(start, end - start + 1);
}

std::string truncate(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  return text.substr(0, max_chars) + "...";
}

std::optional<long long> to_integer(std::string_view text) {
  long long v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

std::optional<double> to_number(std::string_view text) {
  // std::from_chars for double needs GCC 11+ and accepts no leading '+'; strtod does both.
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || std::isspace(static_cast<unsigned char>(copy.front())) || end != copy.c_str() + copy.size() ||
      errno == ERANGE || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::string hex(uint64_t value) { return fmt::format("0x{:x}", value); }

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"T", "G", "M", "K"};
  for (int i = 0; i < 4; ++i) {
    const uint64_t unit = uint64_t{1} << (10 * (4 - i));
    if (bytes < unit) continue;
    if (bytes % unit == 0) return fmt::format("{}{}", bytes / unit, kUnits[i]);
    // One decimal when it is exact ("1.5G"); else the bytes themselves.
    if ((bytes * 10) % unit == 0) return fmt::format("{}.{}{}", bytes / unit, (bytes * 10 / unit) % 10, kUnits[i]);
  }
  return fmt::format("{} bytes", bytes);
}

std::string printable(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // U+0080..U+009F in UTF-8 (0xC2 0x80..0x9F): C1 controls, CSI among them.
    const bool c1 = c == 0xC2 && i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0x80;
    if (c1) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[++i]));
    } else if (c == '\n') {
      out += keep_newlines ? "\n" : "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string file_name_part(std::string_view label, size_t max_bytes) {
  std::string out;
  for (char c : label) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  if (!out.empty() && out.front() == '.') out.front() = '_';
  if (out.size() > max_bytes) out.resize(max_bytes);
  return out.empty() ? "_" : out;
}

std::string distinct_file_name_part(std::string_view label, size_t max_bytes) {
  const auto clean = file_name_part(label, max_bytes);
  if (clean == label) return clean;
  uint64_t h = 14695981039346656037ULL;  // FNV-1a: stable across runs and machines
  for (char c : label) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  const auto suffix = fmt::format("-{:010x}", h & 0xFFFFFFFFFFULL);
  return file_name_part(label, max_bytes > suffix.size() ? max_bytes - suffix.size() : 1) + suffix;
}

}  // namespace ftbench::util
