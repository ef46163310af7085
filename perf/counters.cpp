#include "perf/counters.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include "perf/event_resolver.h"
#include "perf/perf_event.h"

namespace ftbench::perf {
namespace {

// Events share a group only if they live on the same PMU: same attr.type and, for generic
// hardware events on hybrid CPUs, the same PMU type in config[63:32].
struct GroupKey {
  std::uint32_t type = 0;
  std::uint64_t extended_type = 0;
  bool operator<(const GroupKey& other) const {
    return std::tie(type, extended_type) < std::tie(other.type, other.extended_type);
  }
};

GroupKey group_key(const perf_event_attr& attr) {
  const bool generic_hw = attr.type == PERF_TYPE_HARDWARE || attr.type == PERF_TYPE_HW_CACHE;
  return GroupKey{attr.type, generic_hw ? attr.config >> 32 : 0};
}

struct Group {
  int leader_fd = -1;
  std::size_t size = 0;
};
using GroupMap = std::map<GroupKey, Group>;

struct OpenedPart {
  os::FileDescriptor fd;
  bool is_leader = false;
  int error = 0;
};

// Joins the PMU's current group if it has room; a group that refuses the member (no room, or
// the PMU does not group) falls back to a separate event rather than losing it.
OpenedPart open_part(perf_event_attr attr, pid_t pid, const GroupMap& groups,
                     std::size_t max_group_size) {
  attr.inherit = 1;
  attr.read_format = sys::kReadFormat;
  const auto it = groups.find(group_key(attr));
  if (it != groups.end() && it->second.size < max_group_size) {
    attr.disabled = 0;  // follows its leader
    auto joined = sys::open_event(attr, pid, -1, it->second.leader_fd);
    if (joined.fd) return OpenedPart{std::move(joined.fd), false, 0};
    if (joined.error == ESRCH) return OpenedPart{os::FileDescriptor{}, false, ESRCH};
  }
  attr.disabled = 1;
  auto alone = sys::open_event(attr, pid, -1, -1);
  return OpenedPart{std::move(alone.fd), true, alone.error};
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string user_only_note(const SystemPaths& paths) {
  const auto paranoid = read_perf_event_paranoid(paths);
  return "user-space only: kernel-mode activity is not counted (kernel.perf_event_paranoid=" +
         (paranoid ? std::to_string(*paranoid) : std::string("?")) +
         "; set it <=1 or grant CAP_PERFMON to include it)";
}

bool is_clock_event(const perf_event_attr& attr) {
  return attr.type == PERF_TYPE_SOFTWARE &&
         (attr.config == PERF_COUNT_SW_CPU_CLOCK || attr.config == PERF_COUNT_SW_TASK_CLOCK);
}

void probe_work() {
  // A little of everything the default events see: CPU time, fresh pages, syscalls.
  constexpr std::size_t kPages = 8;
  const long page = ::sysconf(_SC_PAGESIZE);
  const std::size_t page_size = page > 0 ? static_cast<std::size_t>(page) : 4096;
  void* memory = ::mmap(nullptr, kPages * page_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory != MAP_FAILED) {
    auto* bytes = static_cast<volatile unsigned char*>(memory);
    for (std::size_t i = 0; i < kPages; ++i) bytes[i * page_size] = 1;
    ::munmap(memory, kPages * page_size);
  }
  volatile std::uint64_t sink = 0;
  for (std::uint64_t i = 0; i < 200000; ++i) sink = sink + i;
  for (int i = 0; i < 16; ++i) (void)::getppid();
}

}  // namespace

ChildCounters ChildCounters::attach(pid_t pid, const std::vector<EventRequest>& requests,
                                    const AttachOptions& options) {
  ChildCounters counters;
  counters.pid_ = pid;
  GroupMap groups;
  std::vector<EventCapability> missing_required;

  for (const auto& request : requests) {
    const ResolvedEvent resolved = resolve_event(request.name, options.paths);
    EventCapability capability;
    capability.name = request.name;
    capability.proxy = resolved.proxy;
    capability.note = resolved.note;
    OpenEvent event;

    if (!resolved.ok()) {
      capability.status = resolved.status;
      capability.message = resolved.message;
    } else {
      GroupMap staged = groups;  // committed only if every part of the event opens
      std::vector<std::string> encodings;
      for (const auto& part : resolved.parts) encodings.push_back(part.encoding);
      capability.encoding = join(encodings, "; ");
      std::vector<int> new_leaders;
      bool user_only = false;
      capability.status = Status::counted;
      for (const auto& part : resolved.parts) {
        perf_event_attr attr = part.attr;
        OpenedPart opened = open_part(attr, pid, staged, options.max_group_size);
        if (!opened.fd && (opened.error == EACCES || opened.error == EPERM) &&
            part.user_space_fallback && !attr.exclude_kernel) {
          attr.exclude_kernel = 1;
          opened = open_part(attr, pid, staged, options.max_group_size);
          // Clock events ignore exclude_kernel (their value stays complete): no caveat.
          user_only = opened.fd.valid() && !is_clock_event(attr);
        }
        if (!opened.fd) {
          if (opened.error == ESRCH) {
            throw std::system_error(ESRCH, std::generic_category(),
                                    "cannot attach perf counters to pid " + std::to_string(pid));
          }
          const auto diagnosis = sys::diagnose_open_error(opened.error, attr, pid, options.paths);
          capability.status = diagnosis.status;
          capability.message = diagnosis.message;
          if (resolved.parts.size() > 1) capability.message += " [part: " + part.label + "]";
          break;
        }
        const GroupKey key = group_key(attr);
        if (opened.is_leader) {
          staged[key] = Group{opened.fd.get(), 1};
          new_leaders.push_back(opened.fd.get());
        } else {
          ++staged[key].size;
        }
        event.parts.push_back(OpenPart{part.label, std::move(opened.fd)});
      }
      if (capability.status == Status::counted) {
        groups = std::move(staged);
        counters.leaders_.insert(counters.leaders_.end(), new_leaders.begin(), new_leaders.end());
        if (user_only) {
          capability.note =
              capability.note.empty() ? user_only_note(options.paths)
                                      : capability.note + "; " + user_only_note(options.paths);
        }
      } else {
        event.parts.clear();  // closes what was opened for this event
      }
    }
    if (request.required && capability.status != Status::counted) {
      missing_required.push_back(capability);
    }
    counters.capabilities_.push_back(std::move(capability));
    counters.events_.push_back(std::move(event));
  }
  if (!missing_required.empty()) throw RequiredEventError(std::move(missing_required));
  return counters;
}

void ChildCounters::enable() {
  for (const int fd : leaders_) {
    if (const int error = sys::enable(fd, true); error != 0) {
      throw std::system_error(error, std::generic_category(), "PERF_EVENT_IOC_ENABLE");
    }
  }
}

void ChildCounters::disable() {
  for (const int fd : leaders_) {
    if (const int error = sys::disable(fd, true); error != 0) {
      throw std::system_error(error, std::generic_category(), "PERF_EVENT_IOC_DISABLE");
    }
  }
}

Snapshot ChildCounters::read() const {
  Snapshot snapshot;
  snapshot.events.reserve(events_.size());
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const auto& capability = capabilities_[i];
    EventReading reading;
    reading.name = capability.name;
    reading.status = capability.status;
    reading.message = capability.message;
    reading.proxy = capability.proxy;
    reading.note = capability.note;
    if (capability.status == Status::counted) {
      for (const auto& part : events_[i].parts) {
        sys::RawCount count;
        if (const int error = sys::read_count(part.fd.get(), count); error != 0) {
          reading.status = Status::error;
          reading.message = "reading the counter failed: " + std::system_category().message(error);
          reading.parts.clear();
          break;
        }
        reading.parts.push_back(
            PartReading{part.label, count.value, count.time_enabled, count.time_running});
      }
    }
    snapshot.events.push_back(std::move(reading));
  }
  return snapshot;
}

std::size_t ChildCounters::descriptor_count() const noexcept {
  std::size_t count = 0;
  for (const auto& event : events_) count += event.parts.size();
  return count;
}

std::vector<CounterValue> difference(const Snapshot& before, const Snapshot& after) {
  if (before.events.size() != after.events.size()) {
    throw std::invalid_argument("perf snapshots differ in their events: take both from the same "
                                "ChildCounters");
  }
  std::vector<CounterValue> values;
  values.reserve(after.events.size());
  for (std::size_t i = 0; i < after.events.size(); ++i) {
    const EventReading& b = before.events[i];
    const EventReading& a = after.events[i];
    if (a.name != b.name) {
      throw std::invalid_argument("perf snapshots differ at event " + std::to_string(i) + " (" +
                                  b.name + " vs " + a.name + ")");
    }
    CounterValue value;
    value.name = a.name;
    value.proxy = a.proxy;
    value.note = a.note;
    if (b.status != Status::counted || a.status != Status::counted) {
      const EventReading& bad = b.status != Status::counted ? b : a;
      value.status = bad.status;
      value.message = bad.message;
      values.push_back(std::move(value));
      continue;
    }
    if (a.parts.size() != b.parts.size()) {
      throw std::invalid_argument("perf snapshots differ in the parts of " + a.name);
    }
    value.status = Status::counted;
    value.running_fraction = 1.0;
    std::vector<std::string> unscheduled;
    for (std::size_t p = 0; p < a.parts.size(); ++p) {
      const PartReading& pb = b.parts[p];
      const PartReading& pa = a.parts[p];
      if (pa.value < pb.value || pa.time_enabled < pb.time_enabled ||
          pa.time_running < pb.time_running) {
        throw std::invalid_argument("perf snapshots of " + a.name +
                                    " are in the wrong order (counts only grow)");
      }
      const std::uint64_t dvalue = pa.value - pb.value;
      const std::uint64_t denabled = pa.time_enabled - pb.time_enabled;
      const std::uint64_t drunning = pa.time_running - pb.time_running;
      double scaled = static_cast<double>(dvalue);
      double fraction = 1.0;  // nothing enabled (nothing ran) means nothing was lost either
      if (denabled > 0 && drunning == 0) {
        unscheduled.push_back(pa.label.empty() ? a.name : pa.label);
        scaled = 0;
        fraction = 0;
      } else if (denabled > 0 && drunning < denabled) {
        fraction = static_cast<double>(drunning) / static_cast<double>(denabled);
        scaled = static_cast<double>(dvalue) * static_cast<double>(denabled) /
                 static_cast<double>(drunning);
      }
      value.raw += dvalue;
      value.value += scaled;
      value.time_enabled_ns += denabled;
      value.time_running_ns += drunning;
      value.running_fraction = std::min(value.running_fraction, fraction);
      if (!pa.label.empty()) value.parts.emplace_back(pa.label, scaled);
    }
    if (!unscheduled.empty()) {
      value.status = Status::not_counted;
      value.message = "never scheduled on the PMU in this interval (time_running=0 while enabled)";
      if (a.parts.size() > 1) value.message += " [parts: " + join(unscheduled, ", ") + "]";
      value.message +=
          ": more events than free hardware counters (NMI watchdog or another perf user may "
          "hold some); request fewer events";
    }
    values.push_back(std::move(value));
  }
  return values;
}

std::vector<EventCapability> probe_events(const std::vector<EventRequest>& requests,
                                          const AttachOptions& options) {
  std::vector<EventRequest> optional_requests = requests;
  for (auto& request : optional_requests) request.required = false;
  const auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
  ChildCounters counters = ChildCounters::attach(tid, optional_requests, options);
  const Snapshot before = counters.read();
  counters.enable();
  probe_work();
  counters.disable();
  const auto values = difference(before, counters.read());
  std::vector<EventCapability> capabilities = counters.capabilities();
  for (std::size_t i = 0; i < capabilities.size(); ++i) {
    if (capabilities[i].status == Status::counted && values[i].status != Status::counted) {
      capabilities[i].status = values[i].status;
      capabilities[i].message = values[i].message;
    }
  }
  return capabilities;
}

}  // namespace ftbench::perf
