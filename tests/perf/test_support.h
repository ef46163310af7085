#pragma once
// Helpers for the perf tests: pipes, forked children that run a function, and a way to make a
// child block for sure (observed through /proc), so that tests never sleep to synchronise.

#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "os/fd.h"
#include "os/pipe.h"

namespace ftbench::perf::test {

using os::Pipe;

inline void write_byte(const os::FileDescriptor& fd, char byte = 'x') {
  for (;;) {
    const ssize_t n = ::write(fd.get(), &byte, 1);
    if (n == 1) return;
    if (n < 0 && errno == EINTR) continue;
    throw std::runtime_error("pipe write failed");
  }
}

// Returns false on EOF.
inline bool read_byte(const os::FileDescriptor& fd, char* out = nullptr) {
  char byte = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), &byte, 1);
    if (n == 1) {
      if (out) *out = byte;
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    throw std::runtime_error("pipe read failed");
  }
}

template <typename T>
void write_value(const os::FileDescriptor& fd, const T& value) {
  const auto* bytes = reinterpret_cast<const char*>(&value);
  std::size_t done = 0;
  while (done < sizeof value) {
    const ssize_t n = ::write(fd.get(), bytes + done, sizeof value - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("pipe write failed");
    done += static_cast<std::size_t>(n);
  }
}

template <typename T>
T read_value(const os::FileDescriptor& fd) {
  T value{};
  auto* bytes = reinterpret_cast<char*>(&value);
  std::size_t done = 0;
  while (done < sizeof value) {
    const ssize_t n = ::read(fd.get(), bytes + done, sizeof value - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("pipe read failed (child gone?)");
    done += static_cast<std::size_t>(n);
  }
  return value;
}

inline pid_t current_tid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// A forked child running `body`; its return value is the exit status. The destructor kills and
// reaps a child that was not waited for, so a failing test leaves no stray process.
class ChildProcess {
 public:
  explicit ChildProcess(const std::function<int()>& body) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      int status = 1;
      try {
        status = body();
      } catch (...) {
        status = 99;
      }
      ::_exit(status);  // never return into gtest in the child
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  [[nodiscard]] pid_t pid() const { return pid_; }

  // Exit code, or 128+signal.
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) throw std::runtime_error("waitpid failed");
    }
    reaped_ = true;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Scheduler state letter of a thread from /proc/<pid>/task/<tid>/stat ('R', 'S', ...).
inline char thread_state(pid_t pid, pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return '?';
  const auto paren = text.rfind(')');
  if (paren == std::string::npos || paren + 2 >= text.size()) return '?';
  return text[paren + 2];
}

inline int bytes_in_pipe(const os::FileDescriptor& read_end) {
  int available = 0;
  if (::ioctl(read_end.get(), FIONREAD, &available) != 0) return -1;
  return available;
}

// Writes one byte into `pipe` only once thread `tid` of `pid` has consumed everything and is
// asleep (state 'S') - i.e. blocked in its read of that pipe, its only blocking point. Every
// byte thus costs the reader one voluntary context switch, without any sleep in the test.
inline void feed_blocked_reader(pid_t pid, pid_t tid, const Pipe& pipe) {
  for (;;) {
    const char state = thread_state(pid, tid);
    if (state == '?' || state == 'Z' || state == 'X') {
      throw std::runtime_error("reader thread " + std::to_string(tid) + " is gone");
    }
    if (bytes_in_pipe(pipe.read_end) == 0 && state == 'S') break;
    ::sched_yield();
  }
  write_byte(pipe.write_end);
}

inline std::size_t open_fd_count() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

// perf ring buffers mapped into this process ("anon_inode:[perf_event]" lines of
// /proc/self/maps): other mappings come and go with malloc arenas and thread stacks.
inline std::size_t perf_mapping_count() {
  std::ifstream in("/proc/self/maps");
  std::size_t count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("[perf_event]") != std::string::npos) ++count;
  }
  return count;
}

// A temporary directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ftbench-perf-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace ftbench::perf::test
