// Name resolution: aliases, libpfm4 names, tracepoints (real and faked tracefs), hybrid PMUs
// (faked sysfs), hitm on this machine, and the statuses of what cannot be resolved or opened.
#include <gtest/gtest.h>

#include <fstream>

#include "perf/counters.h"
#include "perf/event_resolver.h"
#include "perf/event_table.h"
#include "perf/libpfm.h"
#include "perf/system.h"
#include "tests/perf/test_support.h"

namespace ftbench::perf {
namespace {

using test::TempDir;
using test::write_file;

TEST(ResolveEvent, EveryAliasResolvesThroughLibpfm) {
  for (const auto& alias : event_aliases()) {
    const ResolvedEvent event = resolve_event(alias.alias);
    ASSERT_TRUE(event.ok()) << alias.alias << ": " << event.message;
    ASSERT_EQ(event.parts.size(), 1u) << alias.alias;  // this machine is not hybrid
    EXPECT_NE(event.parts[0].encoding.find(alias.libpfm_event), std::string::npos)
        << event.parts[0].encoding;
  }
}

TEST(ResolveEvent, AliasEncodingsMatchTheKernelIds) {
  struct Case {
    const char* name;
    std::uint32_t type;
    std::uint64_t config;
    bool user_space_fallback;
  };
  for (const Case& c : {Case{"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, true},
                        Case{"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, true},
                        Case{"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, true},
                        Case{"LLC-load-misses", PERF_TYPE_HW_CACHE,
                             PERF_COUNT_HW_CACHE_LL | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
                                 (PERF_COUNT_HW_CACHE_RESULT_MISS << 16),
                             true},
                        Case{"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, true},
                        Case{"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, false},
                        Case{"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, false},
                        Case{"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, true},
                        Case{"minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, true},
                        Case{"major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, true}}) {
    const ResolvedEvent event = resolve_event(c.name);
    ASSERT_TRUE(event.ok()) << c.name;
    EXPECT_EQ(event.parts[0].attr.type, c.type) << c.name;
    EXPECT_EQ(event.parts[0].attr.config, c.config) << c.name;
    EXPECT_EQ(event.parts[0].user_space_fallback, c.user_space_fallback) << c.name;
    EXPECT_EQ(event.parts[0].attr.exclude_kernel, 0u) << c.name << ": default counts the kernel too";
  }
}

TEST(ResolveEvent, AnyLibpfmNameWorks) {
  const ResolvedEvent event = resolve_event("perf::CONTEXT-SWITCHES");
  ASSERT_TRUE(event.ok()) << event.message;
  EXPECT_EQ(event.parts[0].attr.type, PERF_TYPE_SOFTWARE);
  EXPECT_EQ(event.parts[0].attr.config, PERF_COUNT_SW_CONTEXT_SWITCHES);
  EXPECT_EQ(event.parts[0].encoding, "perf::PERF_COUNT_SW_CONTEXT_SWITCHES type=1 config=0x3");
  const ResolvedEvent user_only = resolve_event("cycles:u");
  ASSERT_TRUE(user_only.ok()) << user_only.message;
  EXPECT_EQ(user_only.parts[0].attr.exclude_kernel, 1u);  // explicit modifiers win
}

TEST(ResolveEvent, UnknownNameCarriesLibpfmsMessage) {
  const ResolvedEvent event = resolve_event("NO_SUCH_EVENT_FTBENCH");
  EXPECT_EQ(event.status, Status::unknown_event);
  EXPECT_NE(event.message.find("libpfm4: event not found"), std::string::npos) << event.message;
  const ResolvedEvent bad_umask = resolve_event("perf::CONTEXT-SWITCHES:NOPE");
  EXPECT_EQ(bad_umask.status, Status::unknown_event);
  EXPECT_EQ(resolve_event("").status, Status::unknown_event);
}

TEST(ResolveEvent, TracepointFromAFakeTracefs) {
  TempDir dir;
  write_file(dir.path() / "events" / "fakegroup" / "fake_event" / "id", "1234\n");
  SystemPaths paths;
  paths.tracefs_candidates = {dir.path() / "absent", dir.path()};
  const ResolvedEvent event = resolve_event("fakegroup:fake_event", paths);
  ASSERT_TRUE(event.ok()) << event.message;
  EXPECT_EQ(event.parts[0].attr.type, PERF_TYPE_TRACEPOINT);
  EXPECT_EQ(event.parts[0].attr.config, 1234u);
  EXPECT_EQ(event.parts[0].attr.exclude_kernel, 0u);
  EXPECT_FALSE(event.parts[0].user_space_fallback);
  const ResolvedEvent missing = resolve_event("fakegroup:missing", paths);
  EXPECT_EQ(missing.status, Status::unknown_event);
  EXPECT_NE(missing.message.find("no tracepoint fakegroup:missing"), std::string::npos)
      << missing.message;
  EXPECT_EQ(resolve_event("../x:y", paths).status, Status::unknown_event);  // no path escapes
}

TEST(ResolveEvent, RealTracepointMatchesTracefsId) {
  const TracefsLocation tracefs = locate_tracefs();
  if (tracefs.status != Status::counted) GTEST_SKIP() << tracefs.message;
  std::ifstream in(tracefs.root / "events/syscalls/sys_enter_futex/id");
  std::uint64_t id = 0;
  ASSERT_TRUE(in >> id);
  const ResolvedEvent event = resolve_event("syscalls:sys_enter_futex");
  ASSERT_TRUE(event.ok()) << event.message;
  EXPECT_EQ(event.parts[0].attr.config, id);
}

TEST(ResolveEvent, TracefsUnavailableIsReportedAndRunsGoOn) {
  TempDir empty;  // an unmounted /sys/kernel/tracing looks like this
  AttachOptions options;
  options.paths.tracefs_candidates = {empty.path()};
  const ResolvedEvent event = resolve_event("syscalls:sys_enter_futex", options.paths);
  EXPECT_EQ(event.status, Status::tracefs_unavailable);
  EXPECT_NE(event.message.find("mount -t tracefs"), std::string::npos) << event.message;

  test::Pipe go = test::Pipe::create();
  test::ChildProcess child([&] { return test::read_byte(go.read_end) ? 0 : 2; });
  auto counters = ChildCounters::attach(
      child.pid(), {{"syscalls:sys_enter_futex", false}, {"task-clock", false}}, options);
  EXPECT_EQ(counters.capabilities()[0].status, Status::tracefs_unavailable);
  EXPECT_EQ(counters.capabilities()[1].status, Status::counted);
  EXPECT_THROW((void)ChildCounters::attach(child.pid(), {{"syscalls:sys_enter_futex", true}}, options),
               RequiredEventError);
  test::write_byte(go.write_end);
  EXPECT_EQ(child.wait(), 0);
}

// A fake hybrid machine: two CPU PMUs with `cpus` files, plus PMUs that are not CPU PMUs.
SystemPaths fake_hybrid_sysfs(const TempDir& dir) {
  const auto devices = dir.path() / "devices";
  write_file(devices / "cpu_core" / "type", "4\n");
  write_file(devices / "cpu_core" / "cpus", "0-7\n");
  write_file(devices / "cpu_atom" / "type", "10\n");
  write_file(devices / "cpu_atom" / "cpus", "8-15\n");
  write_file(devices / "software" / "type", "1\n");
  write_file(devices / "uncore_imc_0" / "type", "20\n");
  write_file(devices / "uncore_imc_0" / "cpumask", "0\n");
  SystemPaths paths;
  paths.event_source_devices = devices;
  return paths;
}

TEST(HybridPmus, EnumeratesOnlyPmusWithACpusFile) {
  TempDir dir;
  const auto pmus = enumerate_cpu_pmus(fake_hybrid_sysfs(dir));
  ASSERT_EQ(pmus.size(), 2u);
  EXPECT_EQ(pmus[0].name, "cpu_atom");
  EXPECT_EQ(pmus[0].type, 10u);
  EXPECT_EQ(pmus[0].cpus, "8-15");
  EXPECT_EQ(pmus[1].name, "cpu_core");
  EXPECT_EQ(pmus[1].type, 4u);
}

TEST(HybridPmus, GenericHardwareEventsOpenOncePerCpuPmu) {
  TempDir dir;
  const SystemPaths paths = fake_hybrid_sysfs(dir);
  const ResolvedEvent cycles = resolve_event("cycles", paths);
  ASSERT_TRUE(cycles.ok()) << cycles.message;
  ASSERT_EQ(cycles.parts.size(), 2u);
  EXPECT_EQ(cycles.parts[0].label, "cpu_atom");
  EXPECT_EQ(cycles.parts[0].attr.type, PERF_TYPE_HARDWARE);
  EXPECT_EQ(cycles.parts[0].attr.config, (10ULL << 32) | PERF_COUNT_HW_CPU_CYCLES);
  EXPECT_EQ(cycles.parts[1].label, "cpu_core");
  EXPECT_EQ(cycles.parts[1].attr.config, (4ULL << 32) | PERF_COUNT_HW_CPU_CYCLES);
  EXPECT_NE(cycles.parts[1].encoding.find("config=0x400000000 (cpu_core)"), std::string::npos)
      << cycles.parts[1].encoding;

  const ResolvedEvent llc = resolve_event("LLC-load-misses", paths);
  ASSERT_EQ(llc.parts.size(), 2u);
  EXPECT_EQ(llc.parts[1].attr.config, (4ULL << 32) | 0x10002ULL);
  // Software events, and model-specific (raw) events, are not expanded.
  EXPECT_EQ(resolve_event("task-clock", paths).parts.size(), 1u);
}

TEST(HybridPmus, OpeningOnAMachineWithoutThosePmusIsNotSupported) {
  TempDir dir;
  AttachOptions options;
  options.paths = fake_hybrid_sysfs(dir);
  if (std::filesystem::exists("/sys/bus/event_source/devices/cpu_core")) {
    GTEST_SKIP() << "a real hybrid machine would count these";
  }
  auto counters = ChildCounters::attach(::getpid(), {{"cycles", false}, {"task-clock", false}}, options);
  const auto& cycles = counters.capabilities()[0];
  EXPECT_EQ(cycles.status, Status::not_supported) << cycles.message;
  EXPECT_NE(cycles.message.find("ENOENT"), std::string::npos);
  EXPECT_NE(cycles.encoding.find("(cpu_atom); "), std::string::npos) << cycles.encoding;
  EXPECT_EQ(counters.capabilities()[1].status, Status::counted);
  EXPECT_EQ(counters.descriptor_count(), 1u);  // the failed event's parts were all closed
}

TEST(HybridPmus, HybridValuesAreSummedWithPerPmuParts) {
  Snapshot before;
  before.events.push_back(EventReading{"cycles", Status::counted, "", false, "",
                                       {{"cpu_atom", 0, 0, 0}, {"cpu_core", 0, 0, 0}}});
  Snapshot after;
  after.events.push_back(EventReading{"cycles", Status::counted, "", false, "",
                                      {{"cpu_atom", 300, 100, 100}, {"cpu_core", 500, 100, 50}}});
  const auto values = difference(before, after);
  EXPECT_EQ(values[0].status, Status::counted);
  EXPECT_DOUBLE_EQ(values[0].value, 300.0 + 1000.0);
  EXPECT_DOUBLE_EQ(values[0].running_fraction, 0.5);
  ASSERT_EQ(values[0].parts.size(), 2u);
  EXPECT_EQ(values[0].parts[1].first, "cpu_core");
  EXPECT_DOUBLE_EQ(values[0].parts[1].second, 1000.0);
}

TEST(Hitm, ResolvesForTheDetectedCpuOrSaysWhyNot) {
  const auto core = libpfm::core_pmu_name();
  const ResolvedEvent hitm = resolve_event("hitm");
  const HitmRow* row = core ? find_hitm_row(*core) : nullptr;
  if (!row) {
    EXPECT_EQ(hitm.status, Status::not_supported);
    EXPECT_FALSE(hitm.message.empty());
    return;
  }
  ASSERT_TRUE(hitm.ok()) << hitm.message;
  EXPECT_EQ(hitm.parts.size(), row->remote_event.empty() ? 1u : 2u);
  EXPECT_EQ(hitm.parts[0].label, "local");
  EXPECT_NE(hitm.note.find(std::string(row->cpu)), std::string::npos);
}

TEST(Hitm, OpeningWithoutAPmuIsNotSupportedNotACrash) {
  if (std::filesystem::exists("/sys/bus/event_source/devices/cpu")) GTEST_SKIP() << "has a PMU";
  const auto probe = probe_events({{"hitm", false}, {"hitm.local", false}, {"hitm.remote", false},
                                   {"cycles", false}, {"instructions", false}});
  for (const auto& capability : probe) {
    EXPECT_EQ(capability.status, Status::not_supported) << capability.name << ": " << capability.message;
  }
}

}  // namespace
}  // namespace ftbench::perf
