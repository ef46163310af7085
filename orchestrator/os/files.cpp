#include "os/files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.h"
#include "os/fd.h"
#include "os/process.h"

namespace ftbench::os {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Removes the temporary unless it was renamed into place: no error path leaves one behind.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void keep() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// Every failure names `named` (the file the user knows), not the temporary beside it.
void write_all(int fd, std::string_view data, const std::filesystem::path& named) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_storage_error(named, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // Only an I/O error matters here: some file systems refuse fsync on a directory (EINVAL).
  if (fd && ::fsync(fd.get()) != 0 && errno == EIO) throw_storage_error(dir, EIO);
}

constexpr std::string_view kTemporaryMark = ".tmp.";

std::string temporary_name(const std::filesystem::path& path, pid_t pid) {
  return "." + path.filename().string() + std::string(kTemporaryMark) + std::to_string(pid);
}

// The pid in a name temporary_name made; 0 for any other name.
pid_t temporary_owner(const std::string& name) {
  const auto mark = name.rfind(kTemporaryMark);
  if (name.empty() || name[0] != '.' || mark == std::string::npos || mark + kTemporaryMark.size() == name.size()) return 0;
  const auto digits = name.substr(mark + kTemporaryMark.size());
  if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return 0;
  return static_cast<pid_t>(std::stol(digits));
}

}  // namespace

void throw_storage_error(const std::filesystem::path& path, int error) {
  const auto p = path.string();
  switch (error) {
    case ENOSPC: throw StorageError(path, error, "no space left on device writing " + p);
    case EDQUOT: throw StorageError(path, error, "disk quota exceeded writing " + p);
    case EROFS: throw StorageError(path, error, "read-only file system: cannot write " + p);
    case EIO: throw StorageError(path, error, "I/O error writing " + p + " (a failing disk?)");
    default: throw StorageError(path, error, "cannot write " + p + ": " + errno_text(error));
  }
}

std::optional<int> storage_problem(const std::filesystem::path& dir, uintmax_t min_free) {
  struct statvfs s {};
  if (::statvfs(dir.c_str(), &s) != 0) return std::nullopt;
  if (s.f_flag & ST_RDONLY) return EROFS;
  // root may also use the blocks reserved for it (ext4's 5 %).
  const auto blocks = ::geteuid() == 0 ? s.f_bfree : s.f_bavail;
  if (static_cast<uintmax_t>(blocks) * s.f_frsize < min_free) return ENOSPC;
  return std::nullopt;
}

void probe_writable(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw_storage_error(dir, ec.value());
  // Named like a temporary, so remove_stale_temporaries sweeps one a killed probe left.
  const auto probe = dir / temporary_name("ftbench-probe", ::getpid());
  FileDescriptor fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) throw_storage_error(dir, errno);
  TemporaryFile remove(probe);
  write_all(fd.get(), "ftbench: can this directory be written?\n", dir);
  if (::fsync(fd.get()) != 0) throw_storage_error(dir, errno);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  TemporaryFile tmp(dir / temporary_name(path, ::getpid()));
  {
    FileDescriptor fd(::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) throw_storage_error(path, errno);
    write_all(fd.get(), content, path);
    if (::fsync(fd.get()) != 0) throw_storage_error(path, errno);
  }
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) throw_storage_error(path, errno);
  tmp.keep();
  fsync_directory(dir);
}

size_t remove_stale_temporaries(const std::filesystem::path& dir, bool recursive) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code entry_ec;
    if (entry.is_directory(entry_ec) && !entry.is_symlink(entry_ec)) {
      if (recursive) removed += remove_stale_temporaries(entry.path(), true);
      continue;
    }
    const pid_t owner = temporary_owner(entry.path().filename().string());
    if (owner > 0 && !process_alive(owner) && std::filesystem::remove(entry.path(), entry_ec)) ++removed;
  }
  return removed;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read " + path.string() + ": " + errno_text(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail_of_file(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const auto size = static_cast<size_t>(in.tellg());
  const size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) {  // begin at a line boundary
    const auto newline = text.find('\n');
    if (newline != std::string::npos) text = text.substr(newline + 1);
  }
  return text;
}

std::optional<std::string> read_first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line;
}

}  // namespace ftbench::os
