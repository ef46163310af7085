#pragma once
// A child's stdout and stderr through pipes we drain into files of bounded size. A thread
// reads both pipes all the time, so the child never blocks on a full pipe however much it
// writes; each file gets the first half of its limit as it arrives and the last half (kept
// in memory) at the end, with one marker line between them saying how many bytes were dropped.
// The disk never receives more than the limit plus that line. Without a limit every byte is
// written as it arrives.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "os/fd.h"

namespace ftbench::os {

// What one stream wrote, and what of it was dropped (0: the file holds all of it).
struct CapturedStream {
  std::string stream;  // "stdout" / "stderr"
  uint64_t bytes = 0;
  uint64_t dropped = 0;
};
template <class F>
void describe(CapturedStream& s, F& f) {
  f("stream", s.stream);
  f("bytes", s.bytes);
  f("dropped", s.dropped);
}

class OutputCapture {
 public:
  // Creates the files (empty path: the stream is read and discarded) and starts draining.
  // `limit_bytes` is per stream; `limit_name` goes into the marker ("limits.log").
  // Throws UserError when a file or pipe cannot be made.
  OutputCapture(const std::filesystem::path& stdout_path, const std::filesystem::path& stderr_path,
                std::optional<uint64_t> limit_bytes, std::string limit_name = "limits.log");
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;
  ~OutputCapture();

  // The write ends for the child's fds 1 and 2; close_child_ends() once it is spawned, so the
  // pipes reach end-of-file when the child (and everything it started) is gone.
  int child_stdout() const;
  int child_stderr() const;
  void close_child_ends();

  // Waits up to `grace` for end-of-file on both pipes (longer: whatever still holds them is
  // not waited for), writes the kept tails and markers, and says what each stream wrote.
  // Idempotent.
  std::vector<CapturedStream> finish(std::chrono::milliseconds grace = std::chrono::seconds(2));

  // The marker line for `dropped` bytes (tests look for it).
  static std::string marker(uint64_t dropped, const std::string& limit_name, uint64_t limit_bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ftbench::os
