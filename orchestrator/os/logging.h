#pragma once

#include <filesystem>
#include <string>

namespace ftbench::os {

// Console logging to stderr at `level` (trace, debug, info, warn, error). Throws UserError on
// an unknown level.
void setup_console_logging(const std::string& level);
// Adds a per-run log file that always records debug and up.
void add_log_file(const std::filesystem::path& file);

}  // namespace ftbench::os
