#include "perf/perf_event.h"

#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace ftbench::perf::sys {
namespace {

// The kernel's _IO/_IOR macros are C-style casts and signed arithmetic; keep that noise here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wconversion"
constexpr unsigned long kIocEnable = PERF_EVENT_IOC_ENABLE;
constexpr unsigned long kIocDisable = PERF_EVENT_IOC_DISABLE;
constexpr unsigned long kIocFlagGroup = PERF_IOC_FLAG_GROUP;
#pragma GCC diagnostic pop

int control(int fd, unsigned long request, bool whole_group) {
  const unsigned long arg = whole_group ? kIocFlagGroup : 0UL;
  return ::ioctl(fd, request, arg) == 0 ? 0 : errno;
}

std::string errno_name(int error) {
  switch (error) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case ENODEV: return "ENODEV";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOSPC: return "ENOSPC";
    case ESRCH: return "ESRCH";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EBUSY: return "EBUSY";
    case E2BIG: return "E2BIG";
    default: return "errno " + std::to_string(error);
  }
}

std::string permission_advice(const perf_event_attr& attr, const SystemPaths& paths) {
  const auto paranoid = read_perf_event_paranoid(paths);
  const std::string now = paranoid ? std::to_string(*paranoid) : std::string("unknown");
  if (has_perf_privilege()) {
    return "this process has CAP_PERFMON/CAP_SYS_ADMIN, so perf_event_paranoid (" + now +
           ") is not the cause: a seccomp filter (containers), SELinux/AppArmor policy or the "
           "container runtime blocks perf_event_open; allow the perf_event_open syscall";
  }
  // Counting kernel-mode activity (and tracepoints) needs level 1; user-space-only counting of
  // one's own processes works up to level 2. Debian's level 3+ denies everything.
  const int needed = attr.exclude_kernel ? 2 : 1;
  std::string advice = "kernel.perf_event_paranoid is " + now +
                       ": set kernel.perf_event_paranoid<=" + std::to_string(needed) +
                       " (sysctl -w kernel.perf_event_paranoid=" + std::to_string(needed) +
                       ") or grant CAP_PERFMON (setcap cap_perfmon+ep on the orchestrate "
                       "binary, or run as root)";
  if (!attr.exclude_kernel) advice += "; this event counts in the kernel, so user-only mode cannot replace it";
  return advice;
}

}  // namespace

OpenResult open_event(const perf_event_attr& attr, pid_t pid, int cpu, int group_fd) {
  perf_event_attr copy = attr;  // the kernel may write back `size` on E2BIG
  const long fd = ::syscall(SYS_perf_event_open, &copy, pid, cpu, group_fd,
                            static_cast<unsigned long>(PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return OpenResult{os::FileDescriptor{}, errno};
  return OpenResult{os::FileDescriptor{static_cast<int>(fd)}, 0};
}

int enable(int fd, bool whole_group) { return control(fd, kIocEnable, whole_group); }
int disable(int fd, bool whole_group) { return control(fd, kIocDisable, whole_group); }

int read_count(int fd, RawCount& out) {
  std::array<std::uint64_t, 3> buffer{};
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno;
    if (static_cast<std::size_t>(got) != sizeof buffer) return EIO;
    break;
  }
  out.value = buffer[0];
  out.time_enabled = buffer[1];
  out.time_running = buffer[2];
  return 0;
}

Diagnosis diagnose_open_error(int error, const perf_event_attr& attr, pid_t pid,
                              const SystemPaths& paths) {
  const std::string code = " (" + errno_name(error) + ")";
  switch (error) {
    case ENOENT:
      if (attr.type == PERF_TYPE_TRACEPOINT) {
        return {Status::not_supported, "the kernel does not know this tracepoint id" + code};
      }
      return {Status::not_supported,
              "no PMU on this machine provides this event" + code +
                  ": usual in VMs without a virtual PMU, or an event of another CPU model"};
    case ENODEV:
    case EOPNOTSUPP:
      return {Status::not_supported, "the PMU cannot count this event configuration" + code};
    case EACCES:
    case EPERM:
      return {Status::not_permitted, "not permitted" + code + ": " + permission_advice(attr, paths)};
    case ENOSPC:
      if (attr.type == PERF_TYPE_BREAKPOINT) {
        return {Status::not_supported,
                "no free hardware debug register" + code + ": x86 has 4 watchpoints per thread"};
      }
      return {Status::not_supported, "no counter free for this event" + code};
    case ESRCH:
      return {Status::error, "process " + std::to_string(pid) + " does not exist" + code};
    case EMFILE:
    case ENFILE:
      return {Status::error, "out of file descriptors" + code + ": raise the limit (ulimit -n)"};
    case EBUSY:
      return {Status::error, "the PMU is held exclusively by another user" + code};
    case E2BIG:
      return {Status::error, "perf_event_attr is newer than this kernel supports" + code};
    case EINVAL:
      return {Status::error, "the kernel rejected the event attributes" + code +
                                 ": the encoding does not suit this kernel/PMU"};
    default:
      return {Status::error, std::string("perf_event_open failed: ") + std::strerror(error) + code};
  }
}

}  // namespace ftbench::perf::sys
