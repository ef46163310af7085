#include "run/connection.h"

#include <signal.h>

#include "run/channel.h"

namespace ftbench::run {
namespace {

class ProcessConnection final : public Connection {
 public:
  ProcessConnection(os::ChildProcess child, Channel channel) : child_(std::move(child)), channel_(std::move(channel)) {}

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

 private:
  os::ChildProcess child_;
  Channel channel_;
};

}  // namespace

std::unique_ptr<Connection> ProcessLauncher::launch(const LaunchRequest& request) {
  auto [channel, ends] = Channel::create();
  os::SpawnOptions options;
  options.argv = request.argv;
  options.env = request.env;
  options.stdout_path = request.stdout_path;
  options.stderr_path = request.stderr_path;
  options.fds = {{ends.command_read.get(), 3}, {ends.event_write.get(), 4}};
  options.cpus = request.cpus;
  auto child = os::ChildProcess::spawn(options);
  // Our copies of the child's ends must go, or EOF would never arrive when the child dies.
  ends.command_read.reset();
  ends.event_write.reset();
  return std::make_unique<ProcessConnection>(std::move(child), std::move(channel));
}

}  // namespace ftbench::run
