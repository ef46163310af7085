#pragma once
// SHA-256 (OpenSSL's libcrypto): the identity of an interpreter binary and of a workload's
// code in the nightly history.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ftbench::os {

std::string sha256_hex(std::string_view data);
// nullopt when the file cannot be read.
std::optional<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace ftbench::os
