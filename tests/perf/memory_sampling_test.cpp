// Tier 2 memory sampling: data_src decoding and per-line aggregation on constructed values, the
// plan's encodings under forced libpfm4 PMUs (one re-executed process per PMU, as in
// event_table_test.cpp), the sampler's plumbing through a software event this VM has, and the
// clean refusal on this machine, which has no PEBS/IBS.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "perf/libpfm.h"
#include "perf/memory_sampling.h"
#include "perf/system.h"
#include "tests/perf/test_support.h"

namespace ftbench::perf {
namespace {

// perf_mem_data_src fields, composed without the kernel's C-style-cast macros.
constexpr std::uint64_t op(std::uint64_t v) { return v << PERF_MEM_OP_SHIFT; }
constexpr std::uint64_t lvl(std::uint64_t v) { return v << PERF_MEM_LVL_SHIFT; }
constexpr std::uint64_t snoop(std::uint64_t v) { return v << PERF_MEM_SNOOP_SHIFT; }
constexpr std::uint64_t lvlnum(std::uint64_t v) { return v << PERF_MEM_LVLNUM_SHIFT; }
constexpr std::uint64_t snoopx(std::uint64_t v) { return v << PERF_MEM_SNOOPX_SHIFT; }
constexpr std::uint64_t lock(std::uint64_t v) { return v << PERF_MEM_LOCK_SHIFT; }
constexpr std::uint64_t hops(std::uint64_t v) { return v << PERF_MEM_HOPS_SHIFT; }
constexpr std::uint64_t kRemote = std::uint64_t{PERF_MEM_REMOTE_REMOTE} << PERF_MEM_REMOTE_SHIFT;

constexpr std::uint64_t kLocalHitm = op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_L3) |
                                     lvlnum(PERF_MEM_LVLNUM_L3) | snoop(PERF_MEM_SNOOP_HITM);
constexpr std::uint64_t kRemoteHitm = op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_REM_CCE1) |
                                      lvlnum(PERF_MEM_LVLNUM_ANY_CACHE) | kRemote | snoop(PERF_MEM_SNOOP_HITM);
constexpr std::uint64_t kL1Load = op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_L1) |
                                  lvlnum(PERF_MEM_LVLNUM_L1) | snoop(PERF_MEM_SNOOP_NONE);
constexpr std::uint64_t kL1Store = op(PERF_MEM_OP_STORE) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_L1) |
                                   lvlnum(PERF_MEM_LVLNUM_L1);

TEST(DataSource, L3HitWithSnoopHitmIsALocalHitm) {
  const auto source = decode_data_source(kLocalHitm);
  EXPECT_EQ(source.op, MemOp::load);
  EXPECT_TRUE(source.hitm);
  EXPECT_FALSE(source.remote);
  EXPECT_EQ(source.level, "L3");
  EXPECT_EQ(source.raw, kLocalHitm);
  // Same with only the older mem_lvl bits (no level number).
  const auto legacy = decode_data_source(kLocalHitm & ~lvlnum(0xf));
  EXPECT_TRUE(legacy.hitm);
  EXPECT_FALSE(legacy.remote);
  EXPECT_EQ(legacy.level, "L3");
  // An L3 miss is not a HITM even with the snoop bit (c2c needs the L3 hit).
  EXPECT_FALSE(decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_MISS | PERF_MEM_LVL_L3) |
                                  snoop(PERF_MEM_SNOOP_HITM)).hitm);
}

TEST(DataSource, RemoteCacheWithHitmIsARemoteHitm) {
  const auto source = decode_data_source(kRemoteHitm);
  EXPECT_EQ(source.op, MemOp::load);
  EXPECT_TRUE(source.hitm);
  EXPECT_TRUE(source.remote);
  EXPECT_EQ(source.level, "remote cache");
  // Two hops, bits only.
  const auto far = decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_REM_CCE2) | snoop(PERF_MEM_SNOOP_HITM));
  EXPECT_TRUE(far.hitm);
  EXPECT_TRUE(far.remote);
  EXPECT_EQ(far.level, "remote cache");
  // Skylake: the remote bit alone (unknown level) still makes a remote HITM.
  const auto unknown_level = decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_NA) | kRemote |
                                                snoop(PERF_MEM_SNOOP_HITM));
  EXPECT_TRUE(unknown_level.hitm);
  EXPECT_TRUE(unknown_level.remote);
  // The remote bit with a hop count (Power: another core of this node) is not, per c2c.
  EXPECT_FALSE(decode_data_source(op(PERF_MEM_OP_LOAD) | kRemote | hops(PERF_MEM_HOPS_0) |
                                  snoop(PERF_MEM_SNOOP_HITM)).hitm);
  // A remote cache hit (clean, snoop HIT) is remote but no HITM.
  const auto clean = decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_REM_CCE1) |
                                        snoop(PERF_MEM_SNOOP_HIT));
  EXPECT_FALSE(clean.hitm);
  EXPECT_TRUE(clean.remote);
  EXPECT_EQ(clean.level, "remote cache");
}

TEST(DataSource, StoresAreNeverHitm) {
  const auto hit = decode_data_source(kL1Store);
  EXPECT_EQ(hit.op, MemOp::store);
  EXPECT_FALSE(hit.hitm);
  EXPECT_FALSE(hit.miss);
  EXPECT_EQ(hit.level, "L1");
  const auto miss = decode_data_source(op(PERF_MEM_OP_STORE) | lvl(PERF_MEM_LVL_MISS | PERF_MEM_LVL_L1) |
                                       snoop(PERF_MEM_SNOOP_HITM));
  EXPECT_EQ(miss.op, MemOp::store);
  EXPECT_TRUE(miss.miss);
  EXPECT_FALSE(miss.hitm);
}

TEST(DataSource, L1HitAndTheOtherLevels) {
  const auto l1 = decode_data_source(kL1Load);
  EXPECT_EQ(l1.op, MemOp::load);
  EXPECT_FALSE(l1.hitm);
  EXPECT_FALSE(l1.remote);
  EXPECT_EQ(l1.level, "L1");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_LFB)).level, "LFB");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvlnum(PERF_MEM_LVLNUM_LFB)).level, "LFB");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_L2) |
                               lvlnum(PERF_MEM_LVLNUM_L2)).level, "L2");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_MISS | PERF_MEM_LVL_LOC_RAM)).level, "RAM");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_REM_RAM1) |
                               lvlnum(PERF_MEM_LVLNUM_RAM) | kRemote).level, "remote RAM");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvlnum(PERF_MEM_LVLNUM_PMEM)).level, "PMEM");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_UNC)).level, "uncached");
  EXPECT_EQ(decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_NA)).level, "N/A");
  EXPECT_TRUE(decode_data_source(kL1Load | lock(PERF_MEM_LOCK_LOCKED)).locked);
}

TEST(DataSource, ForwardAndPeerAreReportedButAreNotHitm) {
  // Sapphire Rapids style: L3 hit, another core forwarded the line (clean or modified).
  const auto fwd = decode_data_source(op(PERF_MEM_OP_LOAD) | lvl(PERF_MEM_LVL_HIT | PERF_MEM_LVL_L3) |
                                      lvlnum(PERF_MEM_LVLNUM_L3) | snoopx(PERF_MEM_SNOOPX_FWD));
  EXPECT_TRUE(fwd.forward);
  EXPECT_FALSE(fwd.hitm);
  EXPECT_EQ(fwd.level, "L3");
  // AMD: a peer cache of this node (HOPS_0): peer, not remote.
  const auto peer = decode_data_source(op(PERF_MEM_OP_LOAD) | lvlnum(PERF_MEM_LVLNUM_ANY_CACHE) | kRemote |
                                       hops(PERF_MEM_HOPS_0) | snoopx(PERF_MEM_SNOOPX_PEER));
  EXPECT_TRUE(peer.peer);
  EXPECT_FALSE(peer.remote);
  EXPECT_FALSE(peer.hitm);
  EXPECT_EQ(peer.level, "cache");
  // ... and a peer on another socket (HOPS_2) is remote.
  EXPECT_TRUE(decode_data_source(op(PERF_MEM_OP_LOAD) | lvlnum(PERF_MEM_LVLNUM_ANY_CACHE) | kRemote |
                                 hops(PERF_MEM_HOPS_2) | snoopx(PERF_MEM_SNOOPX_PEER)).remote);
}

TEST(DataSource, NotAvailableIsOther) {
  const std::uint64_t na = op(PERF_MEM_OP_NA) | lvl(PERF_MEM_LVL_NA) | snoop(PERF_MEM_SNOOP_NA);
  const auto source = decode_data_source(na);
  EXPECT_EQ(source.op, MemOp::other);
  EXPECT_FALSE(source.hitm);
  EXPECT_EQ(source.level, "N/A");
  EXPECT_EQ(util::name(MemOp::store), "store");
}

MemorySample sample(std::uint32_t tid, std::uint64_t address, std::uint64_t data_src, std::uint64_t weight = 0) {
  MemorySample s;
  s.pid = 100;
  s.tid = tid;
  s.address = address;
  s.data_src = data_src;
  s.weight = weight;
  return s;
}

TEST(AggregateLines, CountsPerLineOffsetAndThread) {
  std::vector<MemorySample> samples;
  for (int i = 0; i < 3; ++i) samples.push_back(sample(1, 0x1000, kLocalHitm, 100));  // line A, offset 0
  for (int i = 0; i < 2; ++i) samples.push_back(sample(2, 0x1008, kL1Store));         // line A, offset 8
  samples.push_back(sample(2, 0x100f, kRemoteHitm, 300));                              // line A, offset 15
  for (int i = 0; i < 5; ++i) samples.push_back(sample(3, 0x2044, kL1Load, 4));       // line B, offset 4
  samples.push_back(sample(3, 0x3000, kL1Store));                                      // line C
  samples.push_back(sample(3, 0x2fc0, kL1Store));                                      // line D: as busy as C
  samples.push_back(sample(4, 0, kLocalHitm));                                         // no address: skipped
  samples.push_back(sample(4, 0x1000, op(PERF_MEM_OP_NA)));                           // no op: skipped

  const auto lines = aggregate_lines(samples);
  ASSERT_EQ(lines.size(), 4u);
  // Most HITM first, then most accesses, then address.
  EXPECT_EQ(lines[0].line, 0x1000u);
  EXPECT_EQ(lines[1].line, 0x2040u);
  EXPECT_EQ(lines[2].line, 0x2fc0u);
  EXPECT_EQ(lines[3].line, 0x3000u);

  const LineProfile& a = lines[0];
  EXPECT_EQ(a.total.loads, 4u);
  EXPECT_EQ(a.total.stores, 2u);
  EXPECT_EQ(a.total.local_hitm, 3u);
  EXPECT_EQ(a.total.remote_hitm, 1u);
  EXPECT_EQ(a.total.hitm(), 4u);
  EXPECT_EQ(a.total.load_weight, 600u);
  ASSERT_EQ(a.by_offset.size(), 3u);
  EXPECT_EQ(a.by_offset.at(0).local_hitm, 3u);
  EXPECT_EQ(a.by_offset.at(0).loads, 3u);
  EXPECT_EQ(a.by_offset.at(8).stores, 2u);
  EXPECT_EQ(a.by_offset.at(8).loads, 0u);
  EXPECT_EQ(a.by_offset.at(15).remote_hitm, 1u);
  ASSERT_EQ(a.by_tid.size(), 2u);
  EXPECT_EQ(a.by_tid.at(1).loads, 3u);
  EXPECT_EQ(a.by_tid.at(1).stores, 0u);
  EXPECT_EQ(a.by_tid.at(2).stores, 2u);
  EXPECT_EQ(a.by_tid.at(2).remote_hitm, 1u);

  const LineProfile& b = lines[1];
  EXPECT_EQ(b.total.loads, 5u);
  EXPECT_EQ(b.total.hitm(), 0u);
  EXPECT_EQ(b.total.load_weight, 20u);
  ASSERT_EQ(b.by_offset.size(), 1u);
  EXPECT_EQ(b.by_offset.at(4).loads, 5u);
  ASSERT_EQ(b.by_tid.size(), 1u);
  EXPECT_EQ(b.by_tid.at(3).loads, 5u);

  EXPECT_TRUE(aggregate_lines({}).empty());
}

// ---- the plan under forced PMUs (fresh process each) --------------------------------------

bool machine_has_cpu_pmu() {
  return std::filesystem::exists("/sys/bus/event_source/devices/cpu") || !enumerate_cpu_pmus().empty();
}

bool machine_has_ibs() { return std::filesystem::exists("/sys/bus/event_source/devices/ibs_op"); }

void expect_sampling_fields(std::ostringstream& errors, const SamplingEvent& event) {
  const std::uint64_t wanted = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_IP |
                               PERF_SAMPLE_CPU | PERF_SAMPLE_WEIGHT | PERF_SAMPLE_DATA_SRC;
  if (event.attr.sample_type != wanted) errors << event.role << ": sample_type " << event.attr.sample_type << "\n";
  if (!event.attr.disabled) errors << event.role << ": not opened disabled\n";
  if (!event.attr.use_clockid || event.attr.clockid != CLOCK_MONOTONIC) errors << event.role << ": clock\n";
  if (event.attr.sample_period == 0) errors << event.role << ": no period\n";
}

std::string check_intel(const std::string& pmu) {
  std::ostringstream errors;
  const SamplingPlan plan = plan_memory_sampling();
  if (!plan.ok()) return "plan: " + plan.message;
  if (plan.pmu != pmu) errors << "pmu " << plan.pmu << "\n";
  if (plan.system_wide) errors << "system_wide on Intel\n";
  if (plan.groups.size() != 2) return errors.str() + "groups: " + std::to_string(plan.groups.size());
  const auto& load_group = plan.groups[0].events;
  const bool spr = pmu == "spr";
  if (load_group.size() != (spr ? 2u : 1u)) return errors.str() + "load group size " + std::to_string(load_group.size());
  if (spr) {
    const SamplingEvent& aux = load_group[0];
    if (aux.role != "loads-aux" || aux.samples || aux.attr.config != 0x8203 || aux.attr.sample_period != 0) {
      errors << "aux leader: " << aux.role << " " << aux.encoding << "\n";
    }
    if (aux.encoding.find("mem-loads-aux") == std::string::npos) errors << "aux encoding " << aux.encoding << "\n";
  }
  const SamplingEvent& loads = load_group.back();
  if (loads.role != "loads" || !loads.samples) errors << "loads role\n";
  if (loads.attr.type != PERF_TYPE_RAW || (loads.attr.config & 0xffff) != 0x01cd) {
    errors << "loads config 0x" << std::hex << loads.attr.config << std::dec << "\n";
  }
  if (loads.attr.config1 != 30) errors << "ldlat " << loads.attr.config1 << "\n";
  if (loads.attr.precise_ip != 2) errors << "loads precise_ip " << loads.attr.precise_ip << "\n";
  if (!loads.attr.inherit || !loads.attr.exclude_kernel) errors << "loads inherit/exclude_kernel\n";
  if (loads.encoding.find(pmu + "::MEM_TRANS_RETIRED:LOAD_LATENCY ldlat=30") == std::string::npos) {
    errors << "loads encoding " << loads.encoding << "\n";
  }
  expect_sampling_fields(errors, loads);
  const auto& store_group = plan.groups[1].events;
  if (store_group.size() != 1) return errors.str() + "store group";
  const SamplingEvent& stores = store_group[0];
  if (stores.role != "stores" || (stores.attr.config & 0xffff) != 0x82d0 || stores.attr.precise_ip != 2) {
    errors << "stores: " << stores.encoding << "\n";
  }
  if (stores.encoding.find(pmu + "::MEM_INST_RETIRED:ALL_STORES") == std::string::npos) {
    errors << "stores encoding " << stores.encoding << "\n";
  }
  expect_sampling_fields(errors, stores);

  SamplingOptions options;
  options.load_latency_cycles = 50;
  const SamplingPlan slower = plan_memory_sampling({}, options);
  if (!slower.ok() || slower.groups[0].events.back().attr.config1 != 50) errors << "ldlat=50 not encoded\n";

  // This machine has no PEBS: opening must fail cleanly with the tier-2 message.
  if (!machine_has_cpu_pmu()) {
    const pid_t tids[] = {test::current_tid()};
    try {
      (void)MemorySampler::arm(plan, tids, {}, 100);
      errors << "armed without a PMU\n";
    } catch (const MemorySamplingError& e) {
      const std::string what = e.what();
      if (e.status() != Status::not_supported || what.rfind(std::string(kNoMemorySamplingMessage), 0) != 0 ||
          what.find("ENOENT") == std::string::npos) {
        errors << "refusal: " << util::name(e.status()) << " " << what << "\n";
      }
    }
  }
  return errors.str();
}

std::string check_amd(const std::string& pmu) {
  std::ostringstream errors;
  if (!machine_has_ibs()) {
    const SamplingPlan none = plan_memory_sampling();
    if (none.status != Status::not_supported || none.message != kNoMemorySamplingMessage) {
      errors << "without ibs_op: " << util::name(none.status) << " " << none.message << "\n";
    }
  }
  test::TempDir sysfs;
  SystemPaths paths;
  paths.event_source_devices = sysfs.path();
  test::write_file(sysfs.path() / "ibs_op" / "type", "4000\n");  // a type no PMU here has
  const SamplingPlan plan = plan_memory_sampling(paths);
  if (!plan.ok()) return errors.str() + "plan: " + plan.message;
  if (plan.pmu != "ibs_op" || !plan.system_wide) errors << "pmu " << plan.pmu << "\n";
  if (plan.groups.size() != 1 || plan.groups[0].events.size() != 1) return errors.str() + "groups";
  const SamplingEvent& ibs = plan.groups[0].events[0];
  if (ibs.attr.type != 4000 || ibs.attr.config != 0 || ibs.attr.inherit) errors << "ibs attr " << ibs.encoding << "\n";
  if (ibs.attr.sample_period % 16 != 0) errors << "ibs period " << ibs.attr.sample_period << "\n";
  if (plan.note.find(pmu) == std::string::npos) errors << "note " << plan.note << "\n";
  expect_sampling_fields(errors, ibs);
  const pid_t tids[] = {test::current_tid()};
  try {
    (void)MemorySampler::arm(plan, tids, {}, 100);
    errors << "armed an ibs_op type this kernel lacks\n";
  } catch (const MemorySamplingError& e) {
    const Status expected = has_perf_privilege() ? Status::not_supported : Status::not_permitted;
    if (e.status() != expected) errors << "refusal: " << util::name(e.status()) << " " << e.what() << "\n";
  }
  return errors.str();
}

[[noreturn]] void run_forced_pmu_check(const std::string& pmu) {
  ::setenv("LIBPFM_FORCE_PMU", pmu.c_str(), 1);
  std::string errors;
  if (libpfm::core_pmu_name() != pmu) {
    errors = "libpfm4 core PMU is " + libpfm::core_pmu_name().value_or("none");
  } else {
    errors = pmu.rfind("amd64", 0) == 0 ? check_amd(pmu) : check_intel(pmu);
  }
  std::cerr << (errors.empty() ? "OK " + pmu : errors) << std::flush;
  std::exit(errors.empty() ? 0 : 1);
}

class ForcedPmuMemorySampling : public ::testing::TestWithParam<std::string> {};

TEST_P(ForcedPmuMemorySampling, PlanNamesAndEncodesTheEvents) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_forced_pmu_check(GetParam()), ::testing::ExitedWithCode(0), "OK");
}

INSTANTIATE_TEST_SUITE_P(Models, ForcedPmuMemorySampling,
                         ::testing::Values("skl", "icx", "spr", "amd64_fam19h_zen4"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

// ---- this machine ------------------------------------------------------------------------

TEST(MemorySampling, ThisMachineHasNoMemorySamplingAndTheSamplerRefusesCleanly) {
  if (libpfm::core_pmu_name() || machine_has_ibs()) GTEST_SKIP() << "this machine has a PMU";
  const SamplingPlan plan = plan_memory_sampling();
  EXPECT_EQ(plan.status, Status::not_supported);
  EXPECT_EQ(plan.message, kNoMemorySamplingMessage);
  EXPECT_TRUE(plan.groups.empty());
  const pid_t tids[] = {test::current_tid()};
  try {
    (void)MemorySampler::arm(plan, tids, {}, 100);
    FAIL() << "armed a plan that is not ok";
  } catch (const MemorySamplingError& e) {
    EXPECT_EQ(e.status(), Status::not_supported);
    EXPECT_EQ(std::string(e.what()), kNoMemorySamplingMessage);
  }
  EXPECT_THROW((void)MemorySampler::arm(tids, {}, 100), MemorySamplingError);  // this machine's plan
}

// The sampler's plumbing (per-CPU open, buffers, parsing, time order) with an event this VM has:
// minor page faults sampled at period 1 carry the faulting address, so a thread touching N fresh
// pages gives N known samples.
TEST(MemorySampler, RecordsKnownSamplesThroughASoftwareEventPlan) {
  constexpr std::size_t kPages = 16;
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  void* region = ::mmap(nullptr, kPages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(region, MAP_FAILED);
  auto* bytes = static_cast<volatile char*>(region);

  SamplingEvent faults;
  faults.role = "page-faults";
  faults.attr.size = sizeof faults.attr;
  faults.attr.type = PERF_TYPE_SOFTWARE;
  faults.attr.config = PERF_COUNT_SW_PAGE_FAULTS_MIN;
  faults.attr.sample_period = 1;
  faults.attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_IP |
                            PERF_SAMPLE_CPU | PERF_SAMPLE_WEIGHT | PERF_SAMPLE_DATA_SRC;
  faults.attr.disabled = 1;
  faults.attr.inherit = 1;
  faults.attr.exclude_kernel = 1;
  faults.attr.use_clockid = 1;
  faults.attr.clockid = CLOCK_MONOTONIC;
  SamplingPlan plan;
  plan.status = Status::counted;
  plan.groups.push_back(SamplingGroup{{faults}});

  std::promise<pid_t> tid_promise;
  std::promise<void> go;
  std::thread toucher([&] {
    tid_promise.set_value(test::current_tid());
    go.get_future().wait();
    for (std::size_t i = 0; i < kPages; ++i) bytes[i * page + 8] = 1;
  });
  const pid_t tid = tid_promise.get_future().get();
  const pid_t tids[] = {tid};
  auto sampler = MemorySampler::arm(plan, tids, {}, 10000);
  sampler.enable();
  go.set_value();
  toucher.join();
  const MemorySampling sampling = sampler.finish();
  ::munmap(region, kPages * page);

  const auto base = reinterpret_cast<std::uintptr_t>(region);
  std::set<std::uint64_t> touched;
  for (const auto& s : sampling.samples) {
    if (s.address < base || s.address >= base + kPages * page) continue;
    EXPECT_EQ(s.tid, static_cast<std::uint32_t>(tid));
    EXPECT_EQ(s.pid, static_cast<std::uint32_t>(::getpid()));
    EXPECT_EQ((s.address - base) % page, 8u);
    EXPECT_EQ(decode_data_source(s.data_src).op, MemOp::other);  // software events: N/A
    touched.insert(s.address);
  }
  EXPECT_EQ(touched.size(), kPages);
  EXPECT_EQ(sampling.lost, 0u);
  EXPECT_FALSE(sampling.budget_reached);
  EXPECT_TRUE(std::is_sorted(sampling.samples.begin(), sampling.samples.end(),
                             [](const MemorySample& a, const MemorySample& b) { return a.time_ns < b.time_ns; }));
  EXPECT_TRUE(aggregate_lines(sampling.samples).empty());  // no load/store data source
}

}  // namespace
}  // namespace ftbench::perf
