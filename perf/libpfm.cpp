#include "perf/libpfm.h"

// linux/perf_event.h (via libpfm.h) must come first: libpfm4's own copy of the structs is
// then skipped by its include guard.
#include <perfmon/pfmlib_perf_event.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace ftbench::perf::libpfm {
namespace {

std::mutex& pfm_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Called with pfm_mutex() held. pfm_initialize can be slow under emulation: only on first use.
int ensure_initialized_locked() {
  static const int result = pfm_initialize();
  return result;
}

struct FreeDeleter {
  void operator()(char* p) const noexcept { std::free(p); }
};

// "pmu::EVENT:UMASK:e=0:u=1:..." -> "pmu::EVENT:UMASK": modifiers are the `x=value` parts.
std::string strip_modifiers(std::string_view fstr) {
  std::string out;
  if (const auto sep = fstr.find("::"); sep != std::string_view::npos) {
    out.append(fstr.substr(0, sep + 2));
    fstr.remove_prefix(sep + 2);
  }
  bool first = true;
  while (!fstr.empty()) {
    const auto end = std::min(fstr.find(':'), fstr.size());
    const std::string_view part = fstr.substr(0, end);
    if (!part.empty() && part.find('=') == std::string_view::npos) {
      if (!first) out += ':';
      out.append(part);
      first = false;
    }
    fstr.remove_prefix(std::min(end + 1, fstr.size()));
  }
  return out;
}

std::string_view kind_name(pfm_pmu_type_t type) {
  switch (type) {
    case PFM_PMU_TYPE_CORE: return "core";
    case PFM_PMU_TYPE_UNCORE: return "uncore";
    case PFM_PMU_TYPE_OS_GENERIC: return "os-generic";
    default: return "unknown";
  }
}

template <typename Fn>
void for_each_present_pmu_locked(Fn&& fn) {
  for (int id = PFM_PMU_NONE; id < PFM_PMU_MAX; ++id) {
    pfm_pmu_info_t info;
    std::memset(&info, 0, sizeof info);
    info.size = sizeof info;
    if (pfm_get_pmu_info(static_cast<pfm_pmu_t>(id), &info) != PFM_SUCCESS) continue;
    if (!info.is_present) continue;
    fn(info);
  }
}

}  // namespace

EncodeResult encode(std::string_view event_name) {
  std::lock_guard lock(pfm_mutex());
  EncodeResult result;
  if (const int init = ensure_initialized_locked(); init != PFM_SUCCESS) {
    result.error_code = init;
    result.error = std::string("libpfm4 failed to initialize: ") + pfm_strerror(init);
    return result;
  }
  // libpfm4 may have been built against a perf_event_attr of another size than our kernel
  // headers; give it a generously sized zeroed buffer and copy our struct's worth out.
  union AttrBuffer {
    perf_event_attr attr;
    unsigned char bytes[1024];
  } buffer;
  std::memset(&buffer, 0, sizeof buffer);
  char* fstr = nullptr;
  pfm_perf_encode_arg_t arg;
  std::memset(&arg, 0, sizeof arg);
  arg.size = sizeof arg;
  arg.attr = &buffer.attr;
  arg.fstr = &fstr;
  const std::string name(event_name);
  const int rc = pfm_get_os_event_encoding(name.c_str(), PFM_PLM0 | PFM_PLM3,
                                           PFM_OS_PERF_EVENT_EXT, &arg);
  std::unique_ptr<char, FreeDeleter> fstr_owner(fstr);
  if (rc != PFM_SUCCESS) {
    result.error_code = rc;
    result.error = pfm_strerror(rc);
    return result;
  }
  Encoding encoding;
  std::memcpy(&encoding.attr, &buffer.attr, sizeof encoding.attr);
  encoding.attr.size = sizeof encoding.attr;
  encoding.name = fstr ? strip_modifiers(fstr) : name;
  result.encoding = std::move(encoding);
  return result;
}

std::vector<PmuInfo> active_pmus() {
  std::lock_guard lock(pfm_mutex());
  std::vector<PmuInfo> pmus;
  if (ensure_initialized_locked() != PFM_SUCCESS) return pmus;
  for_each_present_pmu_locked([&](const pfm_pmu_info_t& info) {
    PmuInfo pmu;
    pmu.name = info.name ? info.name : "";
    pmu.description = info.desc ? info.desc : "";
    pmu.kind = kind_name(info.type);
    pmu.is_default = info.is_dfl != 0;
    pmu.events = info.nevents;
    pmu.generic_counters = info.num_cntrs;
    pmu.fixed_counters = info.num_fixed_cntrs;
    pmus.push_back(std::move(pmu));
  });
  return pmus;
}

std::optional<std::string> core_pmu_name() {
  for (const auto& pmu : active_pmus()) {
    if (pmu.kind == "core") return pmu.name;
  }
  return std::nullopt;
}

std::string initialization_error() {
  std::lock_guard lock(pfm_mutex());
  const int init = ensure_initialized_locked();
  return init == PFM_SUCCESS ? std::string() : std::string(pfm_strerror(init));
}

}  // namespace ftbench::perf::libpfm
