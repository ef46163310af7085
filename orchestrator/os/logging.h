#pragma once

#include <filesystem>
#include <string>

namespace ftbench::os {

// Console logging to stderr at `level` (trace, debug, info, warn, error). Throws UserError on
// an unknown level.
void setup_console_logging(const std::string& level);
// Adds a per-run log file that always records debug and up.
// A write to it that fails (a full disk) is not printed: the log is appended line by line, so
// it stays readable up to its last line, and the run's own files report the full disk in one
// line; log_file_error() says what failed, for a warning at the end of a run that went on.
void add_log_file(const std::filesystem::path& file);
// The first failure to write the log file since add_log_file; "" when none.
std::string log_file_error();

}  // namespace ftbench::os
