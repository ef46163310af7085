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

// `text` safe to print on a terminal as one line: control characters (ESC, newline, CR, the
// C1 range U+0080..U+009F ...) shown as escapes (\x1b, \n), so a label, a traceback or a
// child's stderr can neither drive the terminal nor split a one-line error in two.
// `keep_newlines`: a multi-line text (a table) keeps its line breaks, nothing else.
std::string printable(std::string_view text, bool keep_newlines = false);

// A label (interpreter, benchmark, script) as ONE file-name component: letters, digits and
// '.', '-', '_' are kept, every other byte becomes '_', a leading '.' too (no "..", no hidden
// file), cut to `max_bytes`, never empty. Deterministic; different labels may clean to one
// name ("a/b", "a_b"): distinct_file_name_part appends a hash of the label whenever cleaning
// changed it, so distinct labels always give distinct names.
std::string file_name_part(std::string_view label, size_t max_bytes = 100);
std::string distinct_file_name_part(std::string_view label, size_t max_bytes = 100);

}  // namespace ftbench::util
