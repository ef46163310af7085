#pragma once
// Tier 2 of `orchestrate diagnose` (docs/diagnose.md): PMU sampling of memory accesses
// with their data addresses and data sources, the way `perf c2c` does it. Intel: PEBS load
// latency (MEM_TRANS_RETIRED:LOAD_LATENCY, ldlat=30) and precise stores
// (MEM_INST_RETIRED:ALL_STORES), on Sapphire Rapids in a group led by mem-loads-aux; AMD Zen 4+:
// IBS op sampling. Neither exists in a typical VM: the plan then says not_supported, and the
// tier is skipped. The samples become per-cache-line tables (loads, stores, HITM per offset and
// per thread).

#include <linux/perf_event.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "perf/status.h"
#include "perf/system.h"
#include "util/enum_names.h"

namespace ftbench::perf {

enum class MemOp { load, store, other };
inline constexpr util::EnumName<MemOp> kMemOpNames[] = {
    {MemOp::load, "load"}, {MemOp::store, "store"}, {MemOp::other, "other"}};
constexpr std::span<const util::EnumName<MemOp>> enum_names(MemOp) { return kMemOpNames; }

// One sample's perf_mem_data_src, decoded with perf c2c's rules: a local HITM is a load that hit
// L3 with snoop HITM; a remote HITM is a load served by a remote cache (REM_CCE1/2, or the
// remote bit with no hop count) with snoop HITM and not snoop HIT.
struct DataSource {
  MemOp op = MemOp::other;
  bool hitm = false;     // hit a line Modified in another core's cache (local or remote)
  bool remote = false;   // another node/socket served it; with hitm: a remote HITM
  bool forward = false;  // snoopx FWD: another core forwarded the line (clean or modified)
  bool peer = false;     // snoopx PEER: transfer from a peer cache (AMD's cross-core signal)
  bool miss = false;     // the level named missed (e.g. a store that missed L1)
  bool locked = false;   // a locked (atomic) instruction
  std::string level;     // "L1", "LFB", "L2", "L3", "L4", "cache", "RAM", "remote cache",
                         // "remote RAM", "PMEM", "CXL", "IO", "uncached", "N/A"
  std::uint64_t raw = 0;
};
[[nodiscard]] DataSource decode_data_source(std::uint64_t data_src);

struct MemorySample {
  std::uint32_t pid = 0, tid = 0;
  std::uint64_t time_ns = 0;   // CLOCK_MONOTONIC
  std::uint64_t address = 0;   // data address (0: the PMU gave none)
  std::uint64_t ip = 0;
  std::uint64_t weight = 0;    // load latency in core cycles (Intel); IBS: tag-to-retire cycles
  std::uint64_t data_src = 0;  // perf_mem_data_src
  std::uint32_t cpu = 0;
};

// One event to open. Events of a group are opened together, the first one leading.
struct SamplingEvent {
  std::string role;      // "loads", "stores", "loads-aux" (Sapphire Rapids leader), "ibs_op"
  std::string encoding;  // "skl::MEM_TRANS_RETIRED:LOAD_LATENCY ldlat=30 type=4 config=0x1cd ..."
  perf_event_attr attr{};
  bool samples = true;   // false: a counting group leader that writes no records
};
struct SamplingGroup {
  std::vector<SamplingEvent> events;
};

struct SamplingOptions {
  std::uint32_t load_latency_cycles = 30;  // ldlat: loads faster than this are not sampled
  std::uint64_t load_period = 1000;        // one sample per N qualifying loads
  std::uint64_t store_period = 10000;      // stores are far more frequent
  std::uint64_t ibs_period = 100000;       // IBS op max count (a multiple of 16)
};

struct SamplingPlan {
  Status status = Status::not_supported;  // counted: the events resolved and are ready to open
  std::string message;                    // why not (status != counted)
  std::string pmu;                        // libpfm4 core PMU, or "ibs_op"
  std::vector<SamplingGroup> groups;
  // AMD IBS samples every task on a CPU (no per-thread mode): opened with pid=-1 per CPU and
  // the samples filtered by the watched processes afterwards; needs CAP_PERFMON or
  // perf_event_paranoid <= 0.
  bool system_wide = false;
  std::string note;
  [[nodiscard]] bool ok() const noexcept { return status == Status::counted; }
};

inline constexpr std::string_view kNoMemorySamplingMessage =
    "not available: no PMU exposes memory-access sampling here (a VM without PEBS/IBS): tier 2 skipped";

// Which sampling events this machine offers (libpfm4's CPU model; sysfs for ibs_op).
[[nodiscard]] SamplingPlan plan_memory_sampling(const SystemPaths& paths = {},
                                                const SamplingOptions& options = {});

class MemorySamplingError : public std::runtime_error {
 public:
  MemorySamplingError(Status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  [[nodiscard]] Status status() const noexcept { return status_; }

 private:
  Status status_;
};

struct MemorySampling {
  std::vector<MemorySample> samples;  // sorted by time_ns
  std::uint64_t lost = 0;
  bool budget_reached = false;
  std::uint64_t enabled_ns = 0;
};

// Bytes of one sample record: header + ip + pid/tid + time + addr + cpu/res + weight + data_src.
inline constexpr std::size_t kMemorySampleBytes = 64;

class MemorySampler {  // RAII: closes/unmaps everything
 public:
  // Opens the plan's groups per (tid, cpu) with inherit=1 (per cpu with pid=-1 when
  // plan.system_wide), every CPU's events into one ring buffer sized for max_records; a guard
  // disables everything once max_records samples are in. `cpus` empty = every online CPU.
  // Throws MemorySamplingError: the plan's status/message when it is not ok, not_supported
  // (kNoMemorySamplingMessage + the kernel's reason) when the PMU refuses the events (ENOENT,
  // EOPNOTSUPP, ENODEV), not_permitted, or error.
  [[nodiscard]] static MemorySampler arm(const SamplingPlan& plan, std::span<const pid_t> tids,
                                         std::span<const int> cpus, std::uint64_t max_records);
  // The same with plan_memory_sampling() of this machine.
  [[nodiscard]] static MemorySampler arm(std::span<const pid_t> tids, std::span<const int> cpus,
                                         std::uint64_t max_records);
  MemorySampler(MemorySampler&&) noexcept;
  MemorySampler& operator=(MemorySampler&&) noexcept;
  ~MemorySampler();

  void enable();
  [[nodiscard]] MemorySampling finish();  // disable, drain, sort by time; releases everything

 private:
  struct State;
  explicit MemorySampler(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Per-line tables, as perf c2c prints them.
struct AccessCounts {
  std::uint64_t loads = 0;
  std::uint64_t stores = 0;
  std::uint64_t local_hitm = 0;
  std::uint64_t remote_hitm = 0;
  std::uint64_t peer = 0;         // loads served by a peer cache (AMD)
  std::uint64_t load_weight = 0;  // summed load latency: load_weight / loads = mean cycles
  [[nodiscard]] std::uint64_t hitm() const noexcept { return local_hitm + remote_hitm; }
};

inline constexpr std::uint64_t kCacheLineBytes = 64;

struct LineProfile {
  std::uint64_t line = 0;  // address of the line's first byte
  AccessCounts total;
  std::map<std::uint32_t, AccessCounts> by_offset;  // byte offset in the line, 0-63
  std::map<std::uint32_t, AccessCounts> by_tid;
};

// Groups the samples with a data address by 64-byte line; samples that are neither loads nor
// stores are skipped. Sorted by HITM, then by accesses, then by address.
[[nodiscard]] std::vector<LineProfile> aggregate_lines(std::span<const MemorySample> samples);

}  // namespace ftbench::perf
