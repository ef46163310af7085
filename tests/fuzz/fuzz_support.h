#pragma once
// What the fuzz targets share: a run directory written from one fuzz input, so the targets that
// read run directories go through the real readers (results/run_store.h) with real files.
//
// Input layout: NUL-separated segments, NUL never occurring in JSON text:
//   segment 0   manifest.json          (empty: the file is absent)
//   segment 1   results.json           (empty: absent)
//   segment 2.. runs/<n>-fuzz.json     one process file each
// The seed corpora are real run files joined this way (docs/architecture.md "Fuzzing").

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace ftbench::fuzz {

std::vector<std::string_view> segments(const uint8_t* data, size_t size);

// A directory of this process's own (under $TMPDIR, removed at exit) that each input rewrites.
class ScratchRunDirectory {
 public:
  ScratchRunDirectory();
  ~ScratchRunDirectory();
  ScratchRunDirectory(const ScratchRunDirectory&) = delete;
  ScratchRunDirectory& operator=(const ScratchRunDirectory&) = delete;

  // Empties the run directory and writes the input's files into it; returns its path.
  const std::filesystem::path& write(const uint8_t* data, size_t size);

 private:
  std::filesystem::path root_;
  std::filesystem::path run_dir_;
};

}  // namespace ftbench::fuzz
