#include "fuzz_support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;

namespace ftbench::fuzz {

std::vector<std::string_view> segments(const uint8_t* data, size_t size) {
  std::vector<std::string_view> out;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (true) {
    const auto end = all.find('\0', start);
    out.push_back(all.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

ScratchRunDirectory::ScratchRunDirectory() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ftbench-fuzz-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("fuzz: cannot create a scratch directory in " + pattern);
  root_ = pattern;
  run_dir_ = root_ / "20261130-000000-fuzz";
}

ScratchRunDirectory::~ScratchRunDirectory() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

const fs::path& ScratchRunDirectory::write(const uint8_t* data, size_t size) {
  fs::remove_all(run_dir_);
  fs::create_directories(run_dir_ / "runs");
  auto put = [](const fs::path& file, std::string_view text) {
    std::ofstream(file, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
  };
  const auto parts = segments(data, size);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    if (i == 0) put(run_dir_ / "manifest.json", parts[i]);
    else if (i == 1) put(run_dir_ / "results.json", parts[i]);
    else put(run_dir_ / "runs" / fmt::format("{:06}-fuzz.json", i - 2), parts[i]);
  }
  return run_dir_;
}

}  // namespace ftbench::fuzz
