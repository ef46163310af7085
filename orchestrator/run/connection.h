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
#include "os/containment.h"
#include "os/output_capture.h"
#include "os/process.h"

namespace ftbench::run {

// What was found once a process had ended: its tree's accounting and leftovers (already
// killed), and how much each log stream wrote and lost to the log limit.
struct ProcessEnd {
  os::ContainmentReport containment;
  std::vector<os::CapturedStream> logs;
};

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
  // Ends what is left of the process tree (the child itself is killed if still running),
  // removes its cgroup and completes its logs. nullopt where nothing is contained (fakes).
  virtual std::optional<ProcessEnd> finish() { return std::nullopt; }
};

struct LaunchRequest {
  std::vector<std::string> argv;             // never a shell
  std::map<std::string, std::string> env;    // complete: nothing is inherited
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
  std::vector<int> cpus;                     // empty: no pinning
  os::ResourceLimits limits;                 // memory and open files
  std::optional<uint64_t> log_limit_bytes;   // per stream; absent: unlimited
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Throws UserError when the process cannot be started.
  virtual std::unique_ptr<Connection> launch(const LaunchRequest& request) = 0;
};

// Spawns the harness with the channel's pipes as fds 3 (commands) and 4 (reports), its
// stdout and stderr through a bounded capture, each process contained (os/containment.h):
// the containment is set up at the first launch, and its method logged once.
class ProcessLauncher final : public Launcher {
 public:
  explicit ProcessLauncher(os::ContainmentOptions options = os::ContainmentOptions::from_environment());
  ~ProcessLauncher() override;
  std::unique_ptr<Connection> launch(const LaunchRequest& request) override;

 private:
  os::ContainmentOptions options_;
  std::unique_ptr<os::Containment> containment_;
  bool memory_warning_given_ = false;
};

}  // namespace ftbench::run
