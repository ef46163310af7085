#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "os/fd.h"

namespace ftbench::run {

// The orchestrator's end of the harness channel's transport (workloads/PROTOCOL.md §1): lines
// on two pipes, separate from the workload's stdout/stderr. Every read has a deadline and a
// length bound, so a child that hangs, dies or writes garbage cannot stall or crash us.
// What the lines mean is harness/protocol.h's business.
class Channel {
 public:
  // Pipes for one child: the child's ends go to spawn() as fd mappings, then are closed here.
  struct ChildEnds {
    os::FileDescriptor command_read;  // child reads orchestrator messages
    os::FileDescriptor event_write;   // child writes its messages
  };
  static std::pair<Channel, ChildEnds> create();

  enum class Status { line, timeout, closed, garbage, interrupted /* EINTR: check for a stop signal */ };
  struct Incoming {
    Status status = Status::closed;
    std::string line;     // status == line: one line without its terminator
    std::string problem;  // status == garbage: what was wrong, with the offending text
  };

  // Waits for the next complete, non-empty line until `deadline`.
  Incoming receive(std::chrono::steady_clock::time_point deadline);
  // Sends one line (the newline is added); false when the child is gone (EPIPE).
  bool send(const std::string& line);

  static constexpr size_t kMaxLine = 4 << 20;  // a done message is a few KB; anything near this is garbage

 private:
  Channel(os::FileDescriptor to_child, os::FileDescriptor from_child)
      : to_child_(std::move(to_child)), from_child_(std::move(from_child)) {}
  os::FileDescriptor to_child_;
  os::FileDescriptor from_child_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace ftbench::run
