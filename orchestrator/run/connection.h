#pragma once
// One benchmark process as the harness session sees it: typed protocol messages in and out,
// and the process to wait for or kill. ProcessLauncher starts real ones (spawn + channel);
// tests script fake ones, so the session's state machine is testable without processes.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/protocol.h"
#include "os/process.h"

namespace ftbench::run {

class Connection {
 public:
  virtual ~Connection() = default;

  struct Received {
    enum class Status { message, timeout, closed, garbage, interrupted } status = Status::closed;
    std::optional<harness::ChildMessage> message;  // status == message
    std::string problem;                           // status == garbage
  };
  // The next message, or why there is none before `deadline`.
  virtual Received receive(std::chrono::steady_clock::time_point deadline) = 0;
  virtual bool send(const harness::Command& command) = 0;  // false: the child is gone
  virtual pid_t pid() const = 0;
  virtual std::optional<os::ExitStatus> wait_for(std::chrono::milliseconds timeout) = 0;
  virtual os::ExitStatus kill() = 0;  // the whole process group, then reaps the child
};

struct LaunchRequest {
  std::vector<std::string> argv;             // never a shell
  std::map<std::string, std::string> env;    // complete: nothing is inherited
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
  std::vector<int> cpus;                     // empty: no pinning
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Throws UserError when the process cannot be started.
  virtual std::unique_ptr<Connection> launch(const LaunchRequest& request) = 0;
};

// Spawns the harness with the channel's pipes as fds 3 (commands) and 4 (reports).
class ProcessLauncher final : public Launcher {
 public:
  std::unique_ptr<Connection> launch(const LaunchRequest& request) override;
};

}  // namespace ftbench::run
