#include "perf/memory_sampling.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <utility>

#include "perf/libpfm.h"
#include "perf/perf_event.h"
#include "perf/sample_session.h"
#include "util/strings.h"

namespace ftbench::perf {
namespace {

// ---- data source -------------------------------------------------------------------------

constexpr std::uint64_t field(std::uint64_t value, unsigned shift, unsigned width) {
  return (value >> shift) & ((std::uint64_t{1} << width) - 1);
}

// Widths of the perf_mem_data_src fields (the shifts come from <linux/perf_event.h>).
constexpr unsigned kOpWidth = 5, kLvlWidth = 14, kSnoopWidth = 5, kLockWidth = 2, kLvlNumWidth = 4,
                   kRemoteWidth = 1, kSnoopxWidth = 2, kHopsWidth = 3;

bool is_cache(std::string_view level) {
  return level == "L1" || level == "L2" || level == "L3" || level == "L4" || level == "LFB" ||
         level == "cache";
}

std::string level_from_number(std::uint64_t number) {
  switch (number) {
    case PERF_MEM_LVLNUM_L1: return "L1";
    case PERF_MEM_LVLNUM_L2: return "L2";
    case PERF_MEM_LVLNUM_L3: return "L3";
    case PERF_MEM_LVLNUM_L4: return "L4";
    case PERF_MEM_LVLNUM_CXL: return "CXL";
    case PERF_MEM_LVLNUM_IO: return "IO";
    case PERF_MEM_LVLNUM_ANY_CACHE: return "cache";
    case PERF_MEM_LVLNUM_LFB: return "LFB";
    case PERF_MEM_LVLNUM_RAM: return "RAM";
    case PERF_MEM_LVLNUM_PMEM: return "PMEM";
    default: return "";
  }
}

// The older mem_lvl bit set; one level is set in practice, checked nearest first.
std::string level_from_bits(std::uint64_t lvl) {
  if (lvl & PERF_MEM_LVL_L1) return "L1";
  if (lvl & PERF_MEM_LVL_LFB) return "LFB";
  if (lvl & PERF_MEM_LVL_L2) return "L2";
  if (lvl & PERF_MEM_LVL_L3) return "L3";
  if (lvl & (PERF_MEM_LVL_LOC_RAM | PERF_MEM_LVL_REM_RAM1 | PERF_MEM_LVL_REM_RAM2)) return "RAM";
  if (lvl & (PERF_MEM_LVL_REM_CCE1 | PERF_MEM_LVL_REM_CCE2)) return "cache";
  if (lvl & PERF_MEM_LVL_IO) return "IO";
  if (lvl & PERF_MEM_LVL_UNC) return "uncached";
  return "";
}

}  // namespace

DataSource decode_data_source(std::uint64_t data_src) {
  DataSource source;
  source.raw = data_src;
  const std::uint64_t op = field(data_src, PERF_MEM_OP_SHIFT, kOpWidth);
  const std::uint64_t lvl = field(data_src, PERF_MEM_LVL_SHIFT, kLvlWidth);
  const std::uint64_t snoop = field(data_src, PERF_MEM_SNOOP_SHIFT, kSnoopWidth);
  const std::uint64_t lock = field(data_src, PERF_MEM_LOCK_SHIFT, kLockWidth);
  const std::uint64_t lvl_num = field(data_src, PERF_MEM_LVLNUM_SHIFT, kLvlNumWidth);
  const bool remote_bit = field(data_src, PERF_MEM_REMOTE_SHIFT, kRemoteWidth) != 0;
  const std::uint64_t snoopx = field(data_src, PERF_MEM_SNOOPX_SHIFT, kSnoopxWidth);
  const std::uint64_t hops = field(data_src, PERF_MEM_HOPS_SHIFT, kHopsWidth);

  // perf c2c looks at LOAD first: an op with both bits is a load.
  source.op = (op & PERF_MEM_OP_LOAD) ? MemOp::load : (op & PERF_MEM_OP_STORE) ? MemOp::store : MemOp::other;
  source.miss = (lvl & PERF_MEM_LVL_MISS) != 0;
  source.locked = (lock & PERF_MEM_LOCK_LOCKED) != 0;
  source.forward = (snoopx & PERF_MEM_SNOOPX_FWD) != 0;
  source.peer = (snoopx & PERF_MEM_SNOOPX_PEER) != 0;

  // c2c: Skylake may mark an unknown remote level with the remote bit alone; on Power the remote
  // bit with a hop count means another core of the same node, so only hop-less counts as remote.
  const bool remote_unknown_level = remote_bit && hops == 0;
  const bool remote_cache =
      (lvl & (PERF_MEM_LVL_REM_CCE1 | PERF_MEM_LVL_REM_CCE2)) != 0 || remote_unknown_level;
  const bool snoop_hitm = (snoop & PERF_MEM_SNOOP_HITM) != 0;
  const bool local_hitm = source.op == MemOp::load && (lvl & PERF_MEM_LVL_HIT) &&
                          (lvl & PERF_MEM_LVL_L3) && snoop_hitm;
  const bool remote_hitm = source.op == MemOp::load && remote_cache &&
                           !(snoop & PERF_MEM_SNOOP_HIT) && snoop_hitm;
  source.hitm = local_hitm || remote_hitm;

  if (source.hitm) {
    source.remote = !local_hitm;
  } else {
    // Another node: the remote levels, or the remote bit unless it only means "another core
    // of this node" (HOPS_0).
    source.remote = (lvl & (PERF_MEM_LVL_REM_RAM1 | PERF_MEM_LVL_REM_RAM2 |
                            PERF_MEM_LVL_REM_CCE1 | PERF_MEM_LVL_REM_CCE2)) != 0 ||
                    (remote_bit && hops != PERF_MEM_HOPS_0);
  }

  // The level number (newer kernels) is finer (L4, CXL, PMEM); the bits are the fallback.
  std::string level = level_from_number(lvl_num);
  if (level.empty()) level = level_from_bits(lvl);
  if (level.empty()) {
    level = "N/A";
  } else if (source.remote) {
    level = is_cache(level) ? "remote cache" : "remote " + level;
  }
  source.level = std::move(level);
  return source;
}

// ---- the plan ----------------------------------------------------------------------------

namespace {

constexpr std::uint64_t kSampleType = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
                                      PERF_SAMPLE_ADDR | PERF_SAMPLE_CPU | PERF_SAMPLE_WEIGHT |
                                      PERF_SAMPLE_DATA_SRC;
// Sapphire Rapids' mem-loads-aux (event 0x03, umask 0x82): the kernel rejects a load-latency
// event sampling DATA_SRC unless this event leads its group (perf mem does the same).
constexpr std::uint64_t kMemLoadsAuxConfig = 0x8203;

std::string describe(std::string_view name, const perf_event_attr& attr) {
  std::string text = std::string(name) + " type=" + std::to_string(attr.type) + " config=" + util::hex(attr.config);
  if (attr.config1 != 0) text += " config1=" + util::hex(attr.config1);
  if (attr.precise_ip != 0) text += " precise_ip=" + std::to_string(attr.precise_ip);
  if (attr.sample_period != 0) text += " period=" + std::to_string(attr.sample_period);
  return text;
}

// Fields every sampling event shares; the PMU-specific config comes from the caller.
void set_sampling_fields(perf_event_attr& attr, std::uint64_t period) {
  attr.size = sizeof attr;
  attr.sample_period = period;
  attr.sample_type = kSampleType;
  attr.disabled = 1;
  attr.inherit = 1;
  attr.exclude_kernel = 1;  // user-space sharing is the subject; paranoid 2 allows it
  attr.exclude_hv = 1;
  attr.wakeup_events = 1U << 30;  // finish() drains; nobody polls
  attr.use_clockid = 1;
  attr.clockid = CLOCK_MONOTONIC;
}

SamplingPlan not_available(std::string message = std::string(kNoMemorySamplingMessage)) {
  SamplingPlan plan;
  plan.status = Status::not_supported;
  plan.message = std::move(message);
  return plan;
}

bool needs_mem_loads_aux(std::string_view pmu) {
  return pmu == "spr" || pmu == "emr" || pmu == "gnr" || pmu == "adl_glc";
}

bool is_amd(std::string_view pmu) { return pmu.rfind("amd64", 0) == 0; }

// Zen 4 added the IBS data-source extensions perf mem/c2c need.
bool amd_zen4_or_later(std::string_view pmu, const SystemPaths& paths) {
  if (pmu == "amd64_fam19h_zen4" || pmu.rfind("amd64_fam1ah", 0) == 0) return true;
  std::error_code ec;
  return std::filesystem::exists(paths.event_source_devices / "ibs_op" / "caps" / "zen4_ibs_extensions", ec);
}

std::optional<std::uint32_t> ibs_op_type(const SystemPaths& paths) {
  std::ifstream in(paths.event_source_devices / "ibs_op" / "type");
  std::uint32_t type = 0;
  if (in >> type) return type;
  return std::nullopt;
}

SamplingPlan plan_intel(const std::string& pmu, const SamplingOptions& options) {
  SamplingPlan plan;
  plan.pmu = pmu;
  const std::string load_name = "MEM_TRANS_RETIRED:LOAD_LATENCY:ldlat=" + std::to_string(options.load_latency_cycles);
  auto loads = libpfm::encode(load_name);
  if (!loads.ok()) {
    return not_available(std::string(kNoMemorySamplingMessage) + " (libpfm4 PMU " + pmu +
                         " has no load-latency event: " + loads.error + ")");
  }
  SamplingEvent load_event;
  load_event.role = "loads";
  load_event.attr = loads.encoding->attr;
  set_sampling_fields(load_event.attr, options.load_period);
  load_event.attr.precise_ip = 2;  // PEBS: without it there is no latency filter nor address
  load_event.encoding = describe(loads.encoding->name + " ldlat=" + std::to_string(options.load_latency_cycles), load_event.attr);

  SamplingGroup load_group;
  if (needs_mem_loads_aux(pmu)) {
    SamplingEvent aux;
    aux.role = "loads-aux";
    aux.samples = false;  // perf samples through the load event only; the leader just counts
    aux.attr.size = sizeof aux.attr;
    aux.attr.type = load_event.attr.type;  // the same core PMU
    aux.attr.config = kMemLoadsAuxConfig;
    aux.attr.disabled = 1;
    aux.attr.inherit = 1;
    aux.attr.exclude_kernel = 1;
    aux.attr.exclude_hv = 1;
    aux.attr.use_clockid = 1;
    aux.attr.clockid = CLOCK_MONOTONIC;
    aux.encoding = describe(pmu + "::mem-loads-aux", aux.attr);
    load_group.events.push_back(std::move(aux));
    plan.note = "load-latency sampling in a group led by mem-loads-aux (" + pmu + ")";
  }
  load_group.events.push_back(std::move(load_event));
  plan.groups.push_back(std::move(load_group));

  // Skylake onwards name precise stores MEM_INST_RETIRED; Haswell/Broadwell MEM_UOPS_RETIRED.
  for (const char* name : {"MEM_INST_RETIRED:ALL_STORES", "MEM_UOPS_RETIRED:ALL_STORES"}) {
    auto stores = libpfm::encode(name);
    if (!stores.ok()) continue;
    SamplingEvent store_event;
    store_event.role = "stores";
    store_event.attr = stores.encoding->attr;
    set_sampling_fields(store_event.attr, options.store_period);
    store_event.attr.precise_ip = 2;
    store_event.encoding = describe(stores.encoding->name, store_event.attr);
    plan.groups.push_back(SamplingGroup{{std::move(store_event)}});
    break;
  }
  if (plan.groups.size() == 1) {
    plan.note += std::string(plan.note.empty() ? "" : "; ") + "no precise store event: loads only";
  }
  plan.status = Status::counted;
  return plan;
}

SamplingPlan plan_amd(const std::string& pmu, std::uint32_t type, const SamplingOptions& options) {
  SamplingPlan plan;
  plan.pmu = "ibs_op";
  SamplingEvent ibs;
  ibs.role = "ibs_op";
  ibs.attr.type = type;
  ibs.attr.config = 0;  // count cycles between tagged ops (perf's default for ibs_op//)
  set_sampling_fields(ibs.attr, options.ibs_period & ~std::uint64_t{0xf});  // low 4 bits must be 0
  // IBS has no per-task mode and (before 6.14) no privilege filter: sample all tasks per CPU,
  // keep the watched processes' user-space samples afterwards.
  ibs.attr.inherit = 0;
  ibs.attr.exclude_kernel = 0;
  ibs.attr.exclude_hv = 0;
  ibs.encoding = describe("ibs_op//", ibs.attr);
  plan.groups.push_back(SamplingGroup{{std::move(ibs)}});
  plan.system_wide = true;
  plan.note = pmu + ": IBS op sampling, system-wide per CPU (needs CAP_PERFMON or "
                    "perf_event_paranoid <= 0), filtered to the watched processes";
  plan.status = Status::counted;
  return plan;
}

}  // namespace

SamplingPlan plan_memory_sampling(const SystemPaths& paths, const SamplingOptions& options) {
  const auto core = libpfm::core_pmu_name();
  const auto ibs_type = ibs_op_type(paths);
  if (ibs_type) {
    const std::string pmu = core.value_or("AMD");
    if (!amd_zen4_or_later(pmu, paths)) {
      return not_available(std::string(kNoMemorySamplingMessage) + " (IBS before Zen 4 gives no " +
                           "data source for loads from other cores)");
    }
    return plan_amd(pmu, *ibs_type, options);
  }
  if (!core || is_amd(*core)) return not_available();
  return plan_intel(*core, options);
}

// ---- the sampler -------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxBufferBytes = std::size_t{64} << 20;  // per CPU

// The thread group (process) of a thread, from /proc; the thread itself if unreadable.
pid_t thread_group_of(pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::atoi(line.c_str() + 5));
  }
  return tid;
}

MemorySamplingError open_failure(const SampleSession::Opened& opened, const SamplingEvent& event, pid_t pid) {
  if (opened.mapping) {
    return MemorySamplingError(Status::error, "cannot map the perf ring buffer for " + event.role +
                                                  " sampling: " + std::strerror(opened.error));
  }
  const auto diagnosis = sys::diagnose_open_error(opened.error, event.attr, pid);
  switch (opened.error) {
    case ENOENT:
    case ENODEV:
    case EOPNOTSUPP:
      return MemorySamplingError(Status::not_supported, std::string(kNoMemorySamplingMessage) + " (" +
                                                            event.encoding + ": " + diagnosis.message + ")");
    case EACCES:
    case EPERM:
      return MemorySamplingError(Status::not_permitted, event.role + " sampling: " + diagnosis.message);
    case ESRCH:
      return MemorySamplingError(Status::error, "thread " + std::to_string(pid) +
                                                    " does not exist (ESRCH): it exited before sampling started");
    default:
      return MemorySamplingError(diagnosis.status, event.role + " sampling (" + event.encoding + "): " + diagnosis.message);
  }
}


}  // namespace

struct MemorySampler::State {
  State(std::vector<int> cpus, std::uint64_t budget)
      : max_records(budget),
        session(std::move(cpus), RingBuffer::pages_for_records(budget, kMemorySampleBytes, kMaxBufferBytes)) {}
  std::uint64_t max_records;
  bool system_wide = false;
  std::set<std::uint32_t> pids;  // system-wide: the processes whose samples are kept
  SampleSession session;
};

MemorySampler::MemorySampler(std::unique_ptr<State> state) : state_(std::move(state)) {}
MemorySampler::MemorySampler(MemorySampler&&) noexcept = default;
MemorySampler& MemorySampler::operator=(MemorySampler&&) noexcept = default;
MemorySampler::~MemorySampler() = default;

MemorySampler MemorySampler::arm(const SamplingPlan& plan, std::span<const pid_t> tids,
                                 std::span<const int> cpus, std::uint64_t max_records) {
  if (!plan.ok()) throw MemorySamplingError(plan.status, plan.message);
  if (tids.empty()) throw std::invalid_argument("no thread to sample");
  if (max_records == 0) throw std::invalid_argument("max_records must be at least 1");
  std::vector<int> cpu_list(cpus.begin(), cpus.end());
  if (cpu_list.empty()) cpu_list = online_cpus();
  auto state = std::make_unique<State>(std::move(cpu_list), max_records);
  state->system_wide = plan.system_wide;
  std::vector<pid_t> targets(tids.begin(), tids.end());
  if (plan.system_wide) {
    for (const pid_t tid : tids) state->pids.insert(static_cast<std::uint32_t>(thread_group_of(tid)));
    targets = {-1};
  }
  for (const pid_t target : targets) {
    for (std::size_t cpu_index = 0; cpu_index < state->session.cpus().size(); ++cpu_index) {
      for (const auto& group : plan.groups) {
        int leader = -1;
        for (const auto& event : group.events) {
          const auto opened = state->session.open(event.attr, target, cpu_index, leader, event.samples);
          if (opened.error != 0) throw open_failure(opened, event, target);
          if (leader < 0) leader = opened.fd;
        }
      }
    }
  }
  return MemorySampler(std::move(state));
}

MemorySampler MemorySampler::arm(std::span<const pid_t> tids, std::span<const int> cpus,
                                 std::uint64_t max_records) {
  return arm(plan_memory_sampling(), tids, cpus, max_records);
}

void MemorySampler::enable() {
  if (!state_) throw std::logic_error("MemorySampler used after move");
  state_->session.enable(state_->max_records * kMemorySampleBytes);
}

MemorySampling MemorySampler::finish() {
  MemorySampling sampling;
  if (!state_) return sampling;
  auto result = state_->session.finish();
  sampling.lost = result.lost;
  sampling.budget_reached = result.budget_reached;
  sampling.enabled_ns = result.enabled_ns;
  constexpr std::size_t kPayload = kMemorySampleBytes - sizeof(perf_event_header);
  for (const auto& record : result.samples) {
    if (record.payload.size() < kPayload) continue;
    const std::byte* cursor = record.payload.data();
    MemorySample sample;
    sample.ip = take<std::uint64_t>(cursor);
    sample.pid = take<std::uint32_t>(cursor);
    sample.tid = take<std::uint32_t>(cursor);
    sample.time_ns = take<std::uint64_t>(cursor);
    sample.address = take<std::uint64_t>(cursor);
    sample.cpu = take<std::uint32_t>(cursor);
    (void)take<std::uint32_t>(cursor);  // res
    sample.weight = take<std::uint64_t>(cursor);
    sample.data_src = take<std::uint64_t>(cursor);
    if (state_->system_wide) {
      // Other processes' samples, and kernel-mode ones (IBS cannot exclude them), are not ours.
      if (state_->pids.count(sample.pid) == 0) continue;
      if (sample.ip >> 63 != 0) continue;
    }
    sampling.samples.push_back(sample);
  }
  std::stable_sort(sampling.samples.begin(), sampling.samples.end(),
                   [](const MemorySample& a, const MemorySample& b) { return a.time_ns < b.time_ns; });
  return sampling;
}

// ---- aggregation -------------------------------------------------------------------------

std::vector<LineProfile> aggregate_lines(std::span<const MemorySample> samples) {
  std::map<std::uint64_t, LineProfile> lines;
  for (const auto& sample : samples) {
    if (sample.address == 0) continue;  // c2c: no address, no line
    const DataSource source = decode_data_source(sample.data_src);
    if (source.op == MemOp::other) continue;
    const std::uint64_t line_address = sample.address & ~(kCacheLineBytes - 1);
    const auto offset = static_cast<std::uint32_t>(sample.address & (kCacheLineBytes - 1));
    LineProfile& line = lines[line_address];
    line.line = line_address;
    for (AccessCounts* counts : {&line.total, &line.by_offset[offset], &line.by_tid[sample.tid]}) {
      if (source.op == MemOp::load) {
        ++counts->loads;
        counts->load_weight += sample.weight;
        if (source.hitm) ++(source.remote ? counts->remote_hitm : counts->local_hitm);
        if (source.peer) ++counts->peer;
      } else {
        ++counts->stores;
      }
    }
  }
  std::vector<LineProfile> out;
  out.reserve(lines.size());
  for (auto& [address, line] : lines) out.push_back(std::move(line));
  std::stable_sort(out.begin(), out.end(), [](const LineProfile& a, const LineProfile& b) {
    if (a.total.hitm() != b.total.hitm()) return a.total.hitm() > b.total.hitm();
    const auto accesses_a = a.total.loads + a.total.stores;
    const auto accesses_b = b.total.loads + b.total.stores;
    if (accesses_a != accesses_b) return accesses_a > accesses_b;
    return a.line < b.line;
  });
  return out;
}

}  // namespace ftbench::perf
