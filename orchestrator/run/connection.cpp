#include "run/connection.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include "run/channel.h"
#include "util/strings.h"

namespace ftbench::run {
namespace {

class ProcessConnection final : public Connection {
 public:
  ProcessConnection(std::unique_ptr<os::OutputCapture> output, os::ContainedProcess contained, os::ChildProcess child,
                    Channel channel)
      : output_(std::move(output)),
        contained_(std::move(contained)),
        child_(std::move(child)),
        channel_(std::move(channel)) {}

  ~ProcessConnection() override {
    // A path that never called finish() (diagnose, an exception): still end the whole tree.
    if (finished_) return;
    const auto end = finish();
    if (end && !end->containment.leftovers.empty())
      spdlog::warn("pid {} left {} process{} running after it ended; killed", child_.pid(),
                   end->containment.leftovers.size(), end->containment.leftovers.size() == 1 ? "" : "es");
  }

  Received receive(std::chrono::steady_clock::time_point deadline) override {
    Received out;
    auto in = channel_.receive(deadline);
    switch (in.status) {
      case Channel::Status::line: {
        auto parsed = harness::parse_child_message(in.line);
        if (parsed.message) {
          out.status = Received::Status::message;
          out.message = std::move(parsed.message);
        } else {
          out.status = Received::Status::garbage;
          out.problem = std::move(parsed.problem);
        }
        return out;
      }
      case Channel::Status::timeout: out.status = Received::Status::timeout; return out;
      case Channel::Status::closed: out.status = Received::Status::closed; return out;
      case Channel::Status::interrupted: out.status = Received::Status::interrupted; return out;
      case Channel::Status::garbage:
        out.status = Received::Status::garbage;
        out.problem = std::move(in.problem);
        return out;
    }
    return out;
  }

  bool send(const harness::Command& command) override { return channel_.send(harness::render(command)); }
  pid_t pid() const override { return child_.pid(); }
  std::optional<os::ExitStatus> wait_for(std::chrono::milliseconds timeout) override { return child_.wait_for(timeout); }
  os::ExitStatus kill() override { return child_.kill_group(SIGKILL); }

  std::optional<ProcessEnd> finish() override {
    if (finished_) return end_;
    finished_ = true;
    // The child first (a no-op when it has ended), then what it left (which may hold the log
    // pipes), then the logs, which reach end-of-file once every writer is gone.
    // (Only a child still running is killed with its group: members of the group that
    // outlived an ended child are leftovers, counted below.)
    if (!child_.poll()) child_.kill_group(SIGKILL);
    end_.containment = contained_.finish();
    end_.logs = output_->finish();
    return end_;
  }

 private:
  // Declared in the order they are needed; destroyed in reverse: child, tree, logs.
  std::unique_ptr<os::OutputCapture> output_;
  os::ContainedProcess contained_;
  os::ChildProcess child_;
  Channel channel_;
  bool finished_ = false;
  ProcessEnd end_;
};

}  // namespace

ProcessLauncher::ProcessLauncher(os::ContainmentOptions options) : options_(std::move(options)) {}
ProcessLauncher::~ProcessLauncher() = default;

std::unique_ptr<Connection> ProcessLauncher::launch(const LaunchRequest& request) {
  if (!containment_) {
    containment_ = std::make_unique<os::Containment>(options_);
    const auto& support = containment_->support();
    // Once per run, into the console and the run's log.
    if (support.method == os::ContainmentMethod::cgroup_v2) spdlog::info("containment: {}", support.describe());
    else spdlog::warn("containment: {}; {}", support.describe(), support.advice);
    for (const auto& dir : containment_->removed_stale())
      spdlog::warn("containment: removed {} left by an orchestrator that is gone (its processes killed)", dir.string());
  }
  if (request.limits.memory_bytes && containment_->support().memory == os::MemoryControl::none &&
      !memory_warning_given_) {
    memory_warning_given_ = true;
    spdlog::warn("limits.memory = {} is not enforced on this machine: {}", util::format_bytes(*request.limits.memory_bytes),
                 containment_->support().memory_reason);
  }
  auto output = std::make_unique<os::OutputCapture>(request.stdout_path, request.stderr_path, request.log_limit_bytes);
  auto contained = containment_->contain(request.limits);
  auto [channel, ends] = Channel::create();
  os::SpawnOptions options;
  options.argv = request.argv;
  options.env = request.env;
  options.fds = {{ends.command_read.get(), 3},
                 {ends.event_write.get(), 4},
                 {output->child_stdout(), 1},
                 {output->child_stderr(), 2}};
  options.cpus = request.cpus;
  contained.prepare(options);
  auto child = os::ChildProcess::spawn(options);
  // Our copies of the child's ends must go, or EOF would never arrive when the child dies.
  ends.command_read.reset();
  ends.event_write.reset();
  output->close_child_ends();
  return std::make_unique<ProcessConnection>(std::move(output), std::move(contained), std::move(child),
                                             std::move(channel));
}

}  // namespace ftbench::run
