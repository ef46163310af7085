#include "os/output_capture.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "os/pipe.h"
#include "util/error.h"
#include "util/strings.h"

namespace ftbench::os {
namespace {

// Writes all of it; false on an error (a full disk): the caller stops writing but keeps
// draining, so the child still never blocks.
bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// One stream: the file, the head written so far and the tail kept in a ring.
struct Sink {
  std::string name;
  FileDescriptor read_end;
  FileDescriptor child_end;
  FileDescriptor file;
  bool eof = false;
  bool write_failed = false;
  uint64_t bytes = 0;
  uint64_t head = 0;      // bytes written to the file as they came
  std::string ring;       // the latest bytes beyond the head, circular once full
  size_t ring_start = 0;  // oldest byte once the ring is full

  void write(const char* data, size_t size) {
    if (!file || write_failed) return;
    if (!write_all(file.get(), data, size)) write_failed = true;
  }

  void append(const char* data, size_t size, const std::optional<uint64_t>& limit) {
    bytes += size;
    if (!limit) {
      write(data, size);
      head += size;
      return;
    }
    const uint64_t head_cap = *limit / 2;
    const size_t tail_cap = static_cast<size_t>(*limit - head_cap);
    if (head < head_cap) {
      const auto n = static_cast<size_t>(std::min<uint64_t>(size, head_cap - head));
      write(data, n);
      head += n;
      data += n;
      size -= n;
    }
    if (size == 0 || tail_cap == 0) return;
    if (size >= tail_cap) {  // the chunk alone fills the tail
      ring.assign(data + size - tail_cap, tail_cap);
      ring_start = 0;
      return;
    }
    if (ring.size() < tail_cap) {
      const size_t n = std::min(size, tail_cap - ring.size());
      ring.append(data, n);
      data += n;
      size -= n;
    }
    while (size > 0) {  // overwrite the oldest bytes
      const size_t n = std::min(size, tail_cap - ring_start);
      std::memcpy(ring.data() + ring_start, data, n);
      ring_start = (ring_start + n) % tail_cap;
      data += n;
      size -= n;
    }
  }

  std::string tail() const { return ring.substr(ring_start) + ring.substr(0, ring_start); }
};

}  // namespace

struct OutputCapture::Impl {
  Sink sinks[2];
  std::optional<uint64_t> limit;
  std::string limit_name;
  Pipe wake = Pipe::create();
  std::atomic<bool> drained{false};
  std::thread thread;
  std::optional<std::vector<CapturedStream>> result;

  void drain() {
    char buffer[1 << 16];
    while (true) {
      pollfd fds[3];
      nfds_t n = 0;
      Sink* polled[2] = {nullptr, nullptr};
      for (auto& s : sinks)
        if (!s.eof) {
          polled[n] = &s;
          fds[n++] = {s.read_end.get(), POLLIN, 0};
        }
      if (n == 0) break;
      fds[n++] = {wake.read_end.get(), POLLIN, 0};
      if (::poll(fds, n, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (fds[n - 1].revents) break;  // finish() gave up waiting
      for (nfds_t i = 0; i + 1 < n; ++i) {
        if (!fds[i].revents) continue;
        const auto got = ::read(fds[i].fd, buffer, sizeof buffer);
        if (got > 0) polled[i]->append(buffer, static_cast<size_t>(got), limit);
        else if (got == 0 || (errno != EINTR && errno != EAGAIN)) polled[i]->eof = true;
      }
    }
    drained = true;
  }
};

OutputCapture::OutputCapture(const std::filesystem::path& stdout_path, const std::filesystem::path& stderr_path,
                             std::optional<uint64_t> limit_bytes, std::string limit_name)
    : impl_(std::make_unique<Impl>()) {
  impl_->limit = limit_bytes;
  impl_->limit_name = std::move(limit_name);
  const std::filesystem::path* paths[2] = {&stdout_path, &stderr_path};
  for (int i = 0; i < 2; ++i) {
    auto& s = impl_->sinks[i];
    s.name = i == 0 ? "stdout" : "stderr";
    auto pipe = Pipe::create();
    s.read_end = std::move(pipe.read_end);
    s.child_end = std::move(pipe.write_end);
    if (!paths[i]->empty()) {
      s.file.reset(::open(paths[i]->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
      if (!s.file) throw UserError("cannot create " + paths[i]->string() + ": " + std::strerror(errno));
    }
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->drain(); });
}

OutputCapture::~OutputCapture() { finish(std::chrono::milliseconds(0)); }

int OutputCapture::child_stdout() const { return impl_->sinks[0].child_end.get(); }
int OutputCapture::child_stderr() const { return impl_->sinks[1].child_end.get(); }

void OutputCapture::close_child_ends() {
  for (auto& s : impl_->sinks) s.child_end.reset();
}

std::string OutputCapture::marker(uint64_t dropped, const std::string& limit_name, uint64_t limit_bytes) {
  return "\n[ftbench: " + std::to_string(dropped) + " bytes dropped here: " + limit_name + " = " +
         util::format_bytes(limit_bytes) + " keeps the first and the last half]\n";
}

std::vector<CapturedStream> OutputCapture::finish(std::chrono::milliseconds grace) {
  auto& m = *impl_;
  if (m.result) return *m.result;
  close_child_ends();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (!m.drained && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!m.drained) {
    const char byte = 1;
    (void)!::write(m.wake.write_end.get(), &byte, 1);
  }
  if (m.thread.joinable()) m.thread.join();
  std::vector<CapturedStream> out;
  for (auto& s : m.sinks) {
    const auto tail = s.tail();
    const uint64_t dropped = s.bytes - s.head - tail.size();
    if (dropped > 0) {
      const auto line = marker(dropped, m.limit_name, *m.limit);
      s.write(line.data(), line.size());
    }
    s.write(tail.data(), tail.size());
    s.file.reset();
    s.read_end.reset();
    out.push_back({s.name, s.bytes, dropped});
  }
  m.result = out;
  return out;
}

}  // namespace ftbench::os
