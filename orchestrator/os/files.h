#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ftbench::os {

// Writes `content` to `path` so that readers see either the old file or the whole new one:
// write to a temporary in the same directory, fsync, rename over, fsync the directory.
// A crash at any moment never leaves a truncated file behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// A process killed inside write_file_atomically (SIGKILL, OOM, power loss) leaves its
// temporary (".<name>.tmp.<pid>") behind. Removes those of processes that no longer run from
// `dir` (and the folders below it when `recursive`); a live writer's are kept. Returns how many.
size_t remove_stale_temporaries(const std::filesystem::path& dir, bool recursive);

// Whole file as a string; throws UserError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// The first line of a file without its trailing whitespace; nullopt when it cannot be read
// (sysfs and procfs values: "performance", "2-3").
std::optional<std::string> read_first_line(const std::filesystem::path& path);

// The last `max_bytes` of a file (starting at a line boundary when cut); "" when unreadable.
std::string tail_of_file(const std::filesystem::path& path, size_t max_bytes = 4096);

}  // namespace ftbench::os
