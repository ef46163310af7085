#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <string>

#include "util/pipe.h"

namespace ftbench::run {

// The orchestrator's end of the harness channel (workloads/PROTOCOL.md): line-delimited JSON
// on two pipes, separate from the workload's stdout/stderr. Every read has a deadline and a
// length bound, so a child that hangs, dies or writes garbage cannot stall or crash us.
class Channel {
 public:
  // Pipes for one child: the child's ends go to spawn() as fd mappings, then are closed here.
  struct ChildEnds {
    perf::FileDescriptor command_read;  // child reads orchestrator messages
    perf::FileDescriptor event_write;   // child writes its messages
  };
  static std::pair<Channel, ChildEnds> create();

  enum class ReadStatus { message, timeout, closed, garbage, interrupted /* EINTR: check for a stop signal */ };
  struct Incoming {
    ReadStatus status = ReadStatus::closed;
    rapidjson::Document message;  // valid when status == message
    std::string type;             // message["type"]
    std::string problem;          // for garbage: what was wrong, with the offending text
  };

  // Waits for the next complete line until `deadline`.
  Incoming receive(std::chrono::steady_clock::time_point deadline);
  // Sends one JSON object as one line; false when the child is gone (EPIPE).
  bool send(const std::string& json_object);

  static constexpr size_t kMaxLine = 4 << 20;  // a done message is a few KB; anything near this is garbage

 private:
  Channel(perf::FileDescriptor to_child, perf::FileDescriptor from_child)
      : to_child_(std::move(to_child)), from_child_(std::move(from_child)) {}
  perf::FileDescriptor to_child_;
  perf::FileDescriptor from_child_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace ftbench::run
