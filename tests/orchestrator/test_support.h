#pragma once
// Helpers shared by the orchestrator tests: temporary directories and small files.

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ftbench::testing {

// A fresh directory under /tmp, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ftbench-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, const std::string& text, bool executable = false) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  if (executable) ::chmod(path.c_str(), 0755);
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A small tmpfs on a fresh directory, unmounted at scope exit: a file system that fills up or
// turns read-only on demand, for the storage-error tests. Mounting needs root (CAP_SYS_ADMIN):
// `error()` says why it is not mounted, for the test's skip reason.
class TmpfsMount {
 public:
  explicit TmpfsMount(size_t bytes) {
    const auto options = "size=" + std::to_string(bytes);
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0)
      mounted_ = true;
    else
      error_ = std::string("cannot mount a tmpfs (needs root): ") + std::strerror(errno);
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& path() const { return dir_.path(); }

  // Fills the file system, then frees `leave` bytes (rounded by the page size) of it again.
  void fill(size_t leave = 0) {
    const auto filler = dir_.path() / "filler";
    const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const std::vector<char> page(4096, 'x');
    while (::write(fd, page.data(), page.size()) > 0) {
    }
    struct stat st {};
    ::fstat(fd, &st);
    const auto size = static_cast<off_t>(st.st_size) - static_cast<off_t>(leave);
    if (::ftruncate(fd, size > 0 ? size : 0) != 0) {
    }
    ::close(fd);
  }
  void remove_filler() { std::filesystem::remove(dir_.path() / "filler"); }
  bool remount_read_only() {
    return ::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }

 private:
  TempDir dir_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace ftbench::testing
