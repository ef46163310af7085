#include "perf/event_resolver.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "perf/event_table.h"
#include "perf/libpfm.h"
#include "util/strings.h"

namespace ftbench::perf {
namespace {

std::string describe_attr(std::string_view what, const perf_event_attr& attr) {
  return std::string(what) + " type=" + std::to_string(attr.type) + " config=" + util::hex(attr.config);
}

bool user_space_meaningful(const perf_event_attr& attr) {
  switch (attr.type) {
    case PERF_TYPE_HARDWARE:
    case PERF_TYPE_HW_CACHE:
    case PERF_TYPE_RAW:
      return true;
    case PERF_TYPE_SOFTWARE:
      switch (attr.config) {
        case PERF_COUNT_SW_CPU_CLOCK:
        case PERF_COUNT_SW_TASK_CLOCK:
        case PERF_COUNT_SW_PAGE_FAULTS:
        case PERF_COUNT_SW_PAGE_FAULTS_MIN:
        case PERF_COUNT_SW_PAGE_FAULTS_MAJ:
        case PERF_COUNT_SW_ALIGNMENT_FAULTS:
        case PERF_COUNT_SW_EMULATION_FAULTS:
          return true;
        default:
          return false;  // context switches, migrations... are counted in kernel mode
      }
    case PERF_TYPE_TRACEPOINT:
    case PERF_TYPE_BREAKPOINT:
      return false;
    default:
      return attr.type >= PERF_TYPE_MAX;  // dynamic PMU types (cpu_core, cpu_atom, ...)
  }
}

ResolvedEvent failure(std::string_view name, Status status, std::string message) {
  ResolvedEvent event;
  event.name = std::string(name);
  event.status = status;
  event.message = std::move(message);
  return event;
}

// Generic hardware events count only on one kind of core unless opened once per CPU PMU with
// that PMU's type in config[63:32] (PERF_PMU_TYPE_SHIFT).
constexpr unsigned kPmuTypeShift = 32;

std::vector<EventPart> expand_for_hybrid(EventPart part, const SystemPaths& paths) {
  const bool generic_hw =
      part.attr.type == PERF_TYPE_HARDWARE || part.attr.type == PERF_TYPE_HW_CACHE;
  if (!generic_hw) return {std::move(part)};
  const auto cpu_pmus = enumerate_cpu_pmus(paths);
  if (cpu_pmus.size() < 2) return {std::move(part)};
  std::vector<EventPart> parts;
  for (const auto& pmu : cpu_pmus) {
    EventPart copy = part;
    copy.label = pmu.name;
    copy.attr.config = (part.attr.config & 0xffffffffULL) |
                       (static_cast<std::uint64_t>(pmu.type) << kPmuTypeShift);
    copy.encoding = describe_attr(part.encoding, copy.attr) + " (" + pmu.name + ")";
    parts.push_back(std::move(copy));
  }
  return parts;
}

// Encodes one libpfm4 name into a part (no hybrid expansion).
std::optional<EventPart> encode_part(std::string_view libpfm_name, std::string label,
                                     std::string& error) {
  auto encoded = libpfm::encode(libpfm_name);
  if (!encoded.ok()) {
    error = "libpfm4: " + encoded.error + " (\"" + std::string(libpfm_name) + "\")";
    return std::nullopt;
  }
  EventPart part;
  part.label = std::move(label);
  part.attr = encoded.encoding->attr;
  part.encoding = encoded.encoding->name;  // hybrid expansion appends type/config itself
  part.user_space_fallback = user_space_meaningful(part.attr);
  return part;
}

ResolvedEvent resolve_libpfm(std::string_view name, std::string_view libpfm_name,
                             const SystemPaths& paths, std::string* error_out = nullptr) {
  std::string error;
  auto part = encode_part(libpfm_name, "", error);
  if (!part) {
    if (error_out) *error_out = error;
    return failure(name, Status::unknown_event, error);
  }
  ResolvedEvent event;
  event.name = std::string(name);
  auto parts = expand_for_hybrid(*part, paths);
  if (parts.size() == 1) parts.front().encoding = describe_attr(part->encoding, part->attr);
  event.parts = std::move(parts);
  return event;
}

ResolvedEvent resolve_hitm(std::string_view name) {
  const auto core = libpfm::core_pmu_name();
  if (!core) {
    return failure(name, Status::not_supported,
                   "no HITM event for this CPU: libpfm4 detected no CPU model (a VM without a "
                   "PMU, or a CPU newer than libpfm4); if libpfm4 merely misses a supported "
                   "model, set LIBPFM_FORCE_PMU=<model> (see docs/perf.md)");
  }
  const HitmRow* row = find_hitm_row(*core);
  if (!row) {
    return failure(name, Status::not_supported,
                   "no HITM event known for libpfm4 PMU '" + *core +
                       "' (see the HITM table in docs/perf.md)");
  }
  const bool want_local = name != kHitmRemoteAlias;
  const bool want_remote = name != kHitmLocalAlias;
  if (name == kHitmRemoteAlias && row->remote_event.empty()) {
    return failure(name, Status::not_supported,
                   std::string(row->cpu) + " has no remote HITM counter (single-socket part)");
  }
  ResolvedEvent event;
  event.name = std::string(name);
  event.proxy = row->proxy;
  event.note = std::string(row->cpu) + ": " +
               (row->note.empty() ? std::string("HITM counter") : std::string(row->note));
  auto add = [&](std::string_view libpfm_name, const char* label) {
    std::string error;
    auto part = encode_part(libpfm_name, label, error);
    if (!part) {
      event.status = Status::unknown_event;
      event.message = error + " [HITM table row for " + std::string(row->cpu) + "]";
      return;
    }
    part->encoding = describe_attr(part->encoding, part->attr) + " (" + label + ")";
    event.parts.push_back(std::move(*part));
  };
  if (want_local) add(row->local_event, "local");
  if (want_remote && !row->remote_event.empty() && event.ok()) add(row->remote_event, "remote");
  if (!event.ok()) event.parts.clear();
  return event;
}

bool is_tracepoint_token(std::string_view token) {
  return !token.empty() && token.front() != '.' &&
         std::all_of(token.begin(), token.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
         });
}

bool looks_like_tracepoint(std::string_view name) {
  const auto colon = name.find(':');
  if (colon == std::string_view::npos || name.find(':', colon + 1) != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == ':' || c == '_' || std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  });
}

struct TracepointLookup {
  std::optional<std::uint64_t> id;
  TracefsLocation tracefs;
};

TracepointLookup find_tracepoint(std::string_view name, const SystemPaths& paths) {
  TracepointLookup lookup;
  const auto colon = name.find(':');
  if (colon == std::string_view::npos || name.find(':', colon + 1) != std::string_view::npos) {
    return lookup;
  }
  const auto group = name.substr(0, colon);
  const auto event = name.substr(colon + 1);
  if (!is_tracepoint_token(group) || !is_tracepoint_token(event)) return lookup;
  lookup.tracefs = locate_tracefs(paths);
  if (lookup.tracefs.status != Status::counted) return lookup;
  std::ifstream in(lookup.tracefs.root / "events" / std::string(group) / std::string(event) / "id");
  std::uint64_t id = 0;
  if (in >> id) lookup.id = id;
  return lookup;
}

}  // namespace

ResolvedEvent resolve_event(std::string_view name, const SystemPaths& paths) {
  if (name.empty()) return failure(name, Status::unknown_event, "empty event name");
  if (const EventAlias* alias = find_alias(name)) {
    return resolve_libpfm(name, alias->libpfm_event, paths);
  }
  if (name == kHitmAlias || name == kHitmLocalAlias || name == kHitmRemoteAlias) {
    return resolve_hitm(name);
  }
  const TracepointLookup tracepoint = find_tracepoint(name, paths);
  if (tracepoint.id) {
    ResolvedEvent event;
    event.name = std::string(name);
    EventPart part;
    part.attr.size = sizeof part.attr;
    part.attr.type = PERF_TYPE_TRACEPOINT;
    part.attr.config = *tracepoint.id;
    part.attr.exclude_kernel = 0;  // tracepoints fire in kernel mode
    part.encoding = describe_attr("tracepoint " + std::string(name), part.attr);
    event.parts.push_back(std::move(part));
    return event;
  }
  std::string libpfm_error;
  ResolvedEvent event = resolve_libpfm(name, name, paths, &libpfm_error);
  if (event.ok() || !looks_like_tracepoint(name)) return event;
  // "group:name" that libpfm4 does not know either: most likely a tracepoint.
  if (tracepoint.tracefs.status != Status::counted) {
    return failure(name, tracepoint.tracefs.status,
                   "looks like a tracepoint, but " + tracepoint.tracefs.message);
  }
  return failure(name, Status::unknown_event,
                 "no tracepoint " + std::string(name) + " under " +
                     (tracepoint.tracefs.root / "events").string() +
                     " (see available_events there), and " + libpfm_error);
}

}  // namespace ftbench::perf
