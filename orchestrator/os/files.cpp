#include "os/files.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.h"
#include "os/fd.h"

namespace ftbench::os {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw UserError("cannot write " + path.string() + ": " + errno_text(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
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

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  auto tmp = dir / temporary_name(path, ::getpid());
  {
    FileDescriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) throw UserError("cannot create " + tmp.string() + ": " + errno_text(errno));
    write_all(fd.get(), content, tmp);
    if (::fsync(fd.get()) != 0) throw UserError("cannot fsync " + tmp.string() + ": " + errno_text(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw UserError("cannot rename " + tmp.string() + " to " + path.string() + ": " + errno_text(err));
  }
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
    if (owner > 0 && !process_exists(owner) && std::filesystem::remove(entry.path(), entry_ec)) ++removed;
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
