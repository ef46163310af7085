#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ftbench::util {

// Writes `content` to `path` so that readers see either the old file or the whole new one:
// write to a temporary in the same directory, fsync, rename over, fsync the directory.
// A crash at any moment never leaves a truncated file behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Whole file as a string; throws UserError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace ftbench::util
