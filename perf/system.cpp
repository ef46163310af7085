#include "perf/system.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "os/files.h"

namespace ftbench::perf {
namespace fs = std::filesystem;

namespace {

using os::read_first_line;

std::optional<std::uint32_t> parse_u32(const std::string& text) {
  try {
    std::size_t used = 0;
    const unsigned long value = std::stoul(text, &used, 10);
    if (used != text.size() || value > 0xffffffffUL) return std::nullopt;
    return static_cast<std::uint32_t>(value);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<CpuPmu> enumerate_cpu_pmus(const SystemPaths& paths) {
  std::vector<CpuPmu> pmus;
  std::error_code ec;
  fs::directory_iterator it(paths.event_source_devices, ec);
  if (ec) return pmus;
  for (const auto& entry : it) {
    const fs::path dir = entry.path();
    auto cpus = read_first_line(dir / "cpus");
    if (!cpus) continue;  // only CPU PMUs of hybrid/heterogeneous parts have `cpus`
    auto type_text = read_first_line(dir / "type");
    if (!type_text) continue;
    auto type = parse_u32(*type_text);
    if (!type) continue;
    pmus.push_back(CpuPmu{dir.filename().string(), *type, *cpus});
  }
  std::sort(pmus.begin(), pmus.end(),
            [](const CpuPmu& a, const CpuPmu& b) { return a.name < b.name; });
  return pmus;
}

TracefsLocation locate_tracefs(const SystemPaths& paths) {
  std::string looked_in;
  std::string permission_problem;
  for (const auto& candidate : paths.tracefs_candidates) {
    if (!looked_in.empty()) looked_in += ", ";
    looked_in += candidate.string();
    const fs::path events = candidate / "events";
    std::error_code ec;
    const bool is_dir = fs::is_directory(events, ec);
    if (ec && ec.value() == EACCES) {
      permission_problem = candidate.string();
      continue;
    }
    if (!is_dir) continue;
    if (::access(events.c_str(), R_OK | X_OK) != 0) {
      permission_problem = candidate.string();
      continue;
    }
    return TracefsLocation{Status::counted, candidate, {}};
  }
  if (!permission_problem.empty()) {
    return TracefsLocation{
        Status::not_permitted, {},
        "tracefs at " + permission_problem +
            " is not readable by this user: run as root, or remount it readable for a group "
            "(mount -o remount,gid=<group>,mode=750 " + permission_problem +
            ") that the user belongs to"};
  }
  return TracefsLocation{Status::tracefs_unavailable, {},
                         "tracefs is not mounted (looked in " + looked_in +
                             "): mount it with `mount -t tracefs nodev /sys/kernel/tracing`"};
}

std::optional<int> read_perf_event_paranoid(const SystemPaths& paths) {
  auto line = read_first_line(paths.perf_event_paranoid);
  if (!line) return std::nullopt;
  try {
    std::size_t used = 0;
    const int value = std::stoi(*line, &used);
    if (used != line->size()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string describe_paranoid(std::optional<int> level) {
  if (!level) return "unknown (/proc/sys/kernel/perf_event_paranoid not readable)";
  const int v = *level;
  if (v <= -1) return "no restrictions for unprivileged users";
  if (v == 0) return "unprivileged: per-process and CPU-wide, user+kernel; no raw tracepoint data";
  if (v == 1) return "unprivileged: per-process user+kernel counting; no CPU-wide events";
  if (v == 2) return "unprivileged: per-process user-space only (no kernel-mode counts, no tracepoints)";
  return "unprivileged: perf_event_open denied (Debian/Ubuntu level 3+)";
}

bool has_perf_privilege() {
  // CapEff from /proc avoids a libcap dependency. CAP_SYS_ADMIN = 21, CAP_PERFMON = 38.
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    try {
      const unsigned long long caps = std::stoull(line.substr(7), nullptr, 16);
      return (caps & (1ULL << 21)) != 0 || (caps & (1ULL << 38)) != 0;
    } catch (const std::exception&) {
      break;
    }
  }
  return ::geteuid() == 0;
}

std::string kernel_release() {
  struct utsname names {};
  if (::uname(&names) != 0) return "unknown";
  return std::string(names.sysname) + " " + names.release;
}

}  // namespace ftbench::perf
