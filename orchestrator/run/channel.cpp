#include "run/channel.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "os/pipe.h"
#include "util/strings.h"

namespace ftbench::run {

std::pair<Channel, Channel::ChildEnds> Channel::create() {
  auto commands = os::Pipe::create();
  auto events = os::Pipe::create();
  // Our read end is non-blocking: receive() waits in poll() with the deadline.
  ::fcntl(events.read_end.get(), F_SETFL, O_NONBLOCK);
  // A dead child must turn send() into EPIPE, not kill us with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  Channel channel(std::move(commands.write_end), std::move(events.read_end));
  return {std::move(channel), ChildEnds{std::move(commands.read_end), std::move(events.write_end)}};
}

Channel::Incoming Channel::receive(std::chrono::steady_clock::time_point deadline) {
  Incoming in;
  while (true) {
    auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      in.status = Status::line;
      in.line = std::move(line);
      return in;
    }
    if (buffer_.size() > kMaxLine) {
      in.status = Status::garbage;
      in.problem = "a channel line longer than " + std::to_string(kMaxLine) + " bytes";
      return in;
    }
    if (eof_) {
      in.status = Status::closed;
      if (!buffer_.empty()) {
        in.status = Status::garbage;
        in.problem = "an unterminated line before the channel closed: '" + util::truncate(buffer_, 120) + "'";
        buffer_.clear();
      }
      return in;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      in.status = Status::timeout;
      return in;
    }
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd pfd{from_child_.get(), POLLIN, 0};
    int r = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(wait_ms + 1, 60'000)));
    if (r < 0 && errno == EINTR) {
      in.status = Status::interrupted;
      return in;
    }
    if (r < 0) {
      eof_ = true;
      continue;
    }
    if (r == 0) continue;
    char chunk[65536];
    while (true) {
      ssize_t n = ::read(from_child_.get(), chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
        if (buffer_.size() > kMaxLine) break;
        continue;
      }
      if (n == 0) eof_ = true;
      else if (errno == EINTR) continue;
      else if (errno != EAGAIN && errno != EWOULDBLOCK) eof_ = true;
      break;
    }
  }
}

bool Channel::send(const std::string& line) {
  const std::string framed = line + "\n";
  std::string_view rest = framed;
  while (!rest.empty()) {
    ssize_t n = ::write(to_child_.get(), rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace ftbench::run
