#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftbench::util {

// Command-line lists may be given as separate words or comma-joined ("1,2,4"), or both.
// Empty items are dropped.
std::vector<std::string> split_commas(const std::vector<std::string>& values);

// "a, b, c" (or with another separator).
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

std::string_view trim(std::string_view text);

// The last line of `text` that is not blank, without its line break ("" when there is none).
std::string last_nonempty_line(const std::string& text);

// `text` cut to at most `max_chars` bytes, with "..." appended when it was cut.
std::string truncate(const std::string& text, size_t max_chars);

// An address or raw event config as people read it: "0x7f12345678c0".
std::string hex(uint64_t value);

// A byte count as people write it: "4G", "512M", "1.5G", "64K", "1000 bytes" (binary units,
// the config's `limits:` notation).
std::string format_bytes(uint64_t bytes);

// The whole of `text` as a number (no sign-less garbage, no trailing characters, finite);
// nullopt otherwise.
std::optional<long long> to_integer(std::string_view text);
std::optional<double> to_number(std::string_view text);

}  // namespace ftbench::util
