// The system check on fake /sys and /proc trees (a tuned-for-nothing bare-metal box, a VM
// without cpufreq like this project's machines, isolated CPUs) and once on the real machine.
#include "os/system_check.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "fake_system.h"
#include "os/machine.h"
#include "util/json.h"

using namespace ftbench;
using namespace ftbench::os;
using ftbench::testing::FakeSystem;

namespace {

const CheckItem& item(const std::vector<CheckItem>& items, const std::string& name) {
  for (const auto& i : items)
    if (i.name == name) return i;
  throw std::runtime_error("no check named " + name);
}

// A 4-CPU box (2 cores with SMT) left as it came: powersave, turbo on, nothing isolated,
// irqbalance running, two NUMA nodes, the NMI watchdog on a real PMU, a busy process and a
// hypervisor taking 10 % of the CPU time while we watch.
FakeSystem untuned_box() {
  FakeSystem s;
  s.cpus(4, 2).cpufreq(0, "powersave").cpufreq(1, "powersave").cpufreq(2, "performance").cpufreq(3, "performance");
  s.write("sys/devices/system/cpu/intel_pstate/no_turbo", "0");
  s.write("sys/devices/system/cpu/smt/control", "on");
  s.write("sys/devices/system/cpu/smt/active", "1");
  s.write("sys/devices/system/cpu/isolated", "");
  s.write("sys/devices/system/node/node0/cpulist", "0-1");
  s.write("sys/devices/system/node/node1/cpulist", "2-3");
  s.write("sys/bus/event_source/devices/cpu/type", "4");
  s.write("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet");
  s.write("proc/loadavg", "3.10 2.00 1.50 2/300 4242");
  s.write("proc/sys/kernel/randomize_va_space", "2");
  s.write("proc/sys/kernel/perf_event_max_sample_rate", "100000");
  s.write("proc/sys/kernel/perf_cpu_time_max_percent", "25");
  s.write("proc/sys/kernel/nmi_watchdog", "1");
  s.write("proc/cpuinfo", "processor : 0\nflags : fpu vme sse2");
  s.proc_stat(4, 100000, 0).process(1, "systemd", 10).process(700, "irqbalance", 0).process(4242, "yes (loop)", 500);
  return s;
}

SystemCheckOptions options_for(const FakeSystem& s, std::vector<int> cpus, std::function<void()> between) {
  SystemCheckOptions o;
  o.root = s.root();
  o.cpus = std::move(cpus);
  o.between_readings = std::move(between);
  return o;
}

}  // namespace

TEST(SystemCheck, CpuListsInTheKernelsFormat) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("nohz,domain,2-3"), (std::vector<int>{2, 3}));  // isolcpus' flags
  EXPECT_TRUE(parse_cpu_list("(null)").empty());
  EXPECT_TRUE(parse_cpu_list("").empty());
  EXPECT_EQ(format_cpu_list(std::vector<int>{3, 0, 1, 2, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_EQ(format_cpu_list(std::vector<int>{5}), "5");
}

TEST(SystemCheck, AnUntunedBoxGetsAWarningAndTheExactFixForEverySetting) {
  auto s = untuned_box();
  // Between the two readings: 2 s of 4 CPUs (800 jiffies), 80 of them stolen; `yes` used 1 s of one CPU's 2.
  auto facts = read_system_facts(options_for(s, {0, 1, 2, 3}, [&] {
    s.proc_stat(4, 100800, 80).process(1, "systemd", 10).process(700, "irqbalance", 0).process(4242, "yes (loop)", 600);
  }));
  EXPECT_EQ(facts.logical_cpus, 4);
  EXPECT_EQ(facts.physical_cores, 2);
  EXPECT_TRUE(facts.cpus_share_cores);
  ASSERT_EQ(facts.frequency.size(), 4u);
  EXPECT_EQ(facts.turbo(), "on");
  ASSERT_TRUE(facts.steal_share);
  EXPECT_NEAR(*facts.steal_share, 0.10, 1e-12);
  ASSERT_EQ(facts.busy_processes.size(), 1u);  // systemd and irqbalance used nothing
  EXPECT_EQ(facts.busy_processes[0].pid, 4242);
  EXPECT_EQ(facts.busy_processes[0].command, "yes (loop)");  // a comm with spaces and parentheses
  EXPECT_NEAR(facts.busy_processes[0].cpu_share, 0.5, 1e-12);
  EXPECT_EQ(facts.irqbalance_running, true);
  EXPECT_EQ(facts.numa_nodes, 2);
  EXPECT_EQ(facts.numa_nodes_used, (std::vector<int>{0, 1}));

  facts.usable_cpus = 4;  // this process's affinity is the real machine's: judge the fake one's
  const auto items = judge_system(facts);
  for (const auto& i : items) {
    EXPECT_FALSE(i.found.empty()) << i.name;
    if (i.status == CheckStatus::warning) {
      EXPECT_FALSE(i.fix.empty()) << i.name;
    }
  }
  const auto& governor = item(items, "governor");
  EXPECT_EQ(governor.status, CheckStatus::warning);
  EXPECT_NE(governor.found.find("powersave on CPUs 0-1"), std::string::npos) << governor.found;
  EXPECT_NE(governor.fix.find("echo performance | sudo tee /sys/devices/system/cpu/cpu{0,1}/cpufreq/scaling_governor"),
            std::string::npos)
      << governor.fix;
  EXPECT_NE(item(items, "turbo").fix.find("echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/no_turbo"),
            std::string::npos);
  EXPECT_EQ(item(items, "SMT").status, CheckStatus::warning);
  EXPECT_NE(item(items, "SMT").fix.find("affinity: auto"), std::string::npos);
  EXPECT_EQ(item(items, "isolated CPUs").status, CheckStatus::warning);
  EXPECT_NE(item(items, "isolated CPUs").fix.find("isolcpus=1-3 nohz_full=1-3 rcu_nocbs=1-3"), std::string::npos)
      << item(items, "isolated CPUs").fix;
  EXPECT_EQ(item(items, "ASLR").status, CheckStatus::ok);
  EXPECT_EQ(item(items, "irqbalance").status, CheckStatus::warning);
  EXPECT_EQ(item(items, "NUMA").status, CheckStatus::warning);
  EXPECT_EQ(item(items, "frequency range").status, CheckStatus::ok);
  EXPECT_NE(item(items, "frequency range").found.find("800 MHz - 3.50 GHz"), std::string::npos);
  EXPECT_EQ(item(items, "load average").status, CheckStatus::warning);  // 3.1 over 4 usable CPUs
  EXPECT_EQ(item(items, "steal time").status, CheckStatus::warning);
  EXPECT_EQ(item(items, "busy processes").status, CheckStatus::warning);
  EXPECT_NE(item(items, "busy processes").fix.find("kill 4242"), std::string::npos);
  EXPECT_EQ(item(items, "perf sampling").status, CheckStatus::ok);
  EXPECT_EQ(item(items, "NMI watchdog").status, CheckStatus::warning);
}

TEST(SystemCheck, AVmWithoutCpufreqSaysWhatIsNotExposedAndWarnsOnNothingItCannotFix) {
  // Like this project's KVM guests: no cpufreq, no turbo control, no PMU, SMT not supported.
  FakeSystem s;
  s.cpus(2, 2);
  s.write("sys/devices/system/cpu/smt/control", "notsupported");
  s.write("sys/devices/system/cpu/smt/active", "0");
  s.write("sys/devices/system/cpu/isolated", "");
  s.write("proc/cpuinfo", "processor : 0\nflags : fpu sse2 hypervisor avx2");
  s.write("proc/loadavg", "0.01 0.02 0.00 1/90 100");
  s.write("proc/sys/kernel/randomize_va_space", "2");
  s.write("proc/sys/kernel/nmi_watchdog", "0");
  s.proc_stat(2, 1000, 0);
  const auto check = check_system(options_for(s, {0, 1}, [&] { s.proc_stat(2, 1400, 0); }));
  EXPECT_TRUE(check.facts.virtual_machine);
  EXPECT_TRUE(check.facts.frequency.empty());
  for (const char* name : {"governor", "turbo", "frequency range", "NMI watchdog"}) {
    const auto* i = check.item(name);
    ASSERT_NE(i, nullptr) << name;
    EXPECT_EQ(i->status, CheckStatus::not_applicable) << name << ": " << i->found;
  }
  EXPECT_NE(check.item("governor")->found.find("a VM, the host sets the frequency"), std::string::npos);
  EXPECT_EQ(check.item("SMT")->status, CheckStatus::ok);
  EXPECT_EQ(check.item("steal time")->status, CheckStatus::ok);
  EXPECT_EQ(check.item("load average")->status, CheckStatus::ok);
  EXPECT_EQ(check.facts.turbo(), std::nullopt);
  // What remains to change on such a machine: isolating CPUs, nothing about frequencies.
  EXPECT_EQ(check.warnings(), 1u);
  EXPECT_EQ(check.item("isolated CPUs")->status, CheckStatus::warning);
  const auto text = render_system_check(check);
  EXPECT_NE(text.find("not_applicable"), std::string::npos);
  EXPECT_NE(text.find("what to change"), std::string::npos);
}

TEST(SystemCheck, IsolatedCpusCountOnlyWhenTheRunUsesThem) {
  FakeSystem s;
  s.cpus(6, 6);
  s.write("sys/devices/system/cpu/isolated", "2-5");
  s.write("sys/devices/system/cpu/nohz_full", "2-5");
  s.write("proc/cmdline", "quiet isolcpus=nohz,domain,2-5 nohz_full=2-5 rcu_nocbs=2-5");
  s.proc_stat(6, 1000, 0);
  auto inside = read_system_facts(options_for(s, {2, 3, 4, 5}, [] {}));
  EXPECT_EQ(inside.cmdline_isolcpus, "nohz,domain,2-5");
  EXPECT_EQ(inside.cmdline_rcu_nocbs, "2-5");
  const auto ok = judge_system(inside);
  EXPECT_EQ(item(ok, "isolated CPUs").status, CheckStatus::ok) << item(ok, "isolated CPUs").found;
  const auto outside = judge_system(read_system_facts(options_for(s, {0, 1, 2, 3, 4, 5}, [] {})));
  EXPECT_EQ(item(outside, "isolated CPUs").status, CheckStatus::warning);
  // A list the config loader takes: numbers, not the kernel's "2-5".
  EXPECT_NE(item(outside, "isolated CPUs").fix.find("affinity: [2, 3, 4, 5]"), std::string::npos)
      << item(outside, "isolated CPUs").fix;
}

TEST(SystemCheck, AslrOffIsAWarning) {
  SystemFacts f;
  f.aslr = 0;
  const auto items = judge_system(f);
  EXPECT_EQ(item(items, "ASLR").status, CheckStatus::warning);
  EXPECT_NE(item(items, "ASLR").fix.find("echo 2 | sudo tee /proc/sys/kernel/randomize_va_space"), std::string::npos);
}

TEST(SystemCheck, MachineInfoTakesItsSettingsFromTheCheckAndKeepsIt) {
  auto s = untuned_box();
  const auto m = MachineInfo::collect(options_for(s, {0, 1}, [] {}));
  EXPECT_EQ(m.governor, "powersave");
  EXPECT_EQ(m.turbo, "on");
  EXPECT_EQ(m.aslr, 2);
  EXPECT_EQ(m.load_average, "3.10 2.00 1.50");
  EXPECT_EQ(m.pmu, "cpu");
  ASSERT_TRUE(m.system_check);
  EXPECT_EQ(m.system_check->facts.cpus, (std::vector<int>{0, 1}));
  // The manifest's codec carries it whole, and a machine without it loads as before.
  const auto text = json::to_string(m);
  auto doc = json::parse(text);
  ASSERT_TRUE(doc);
  MachineInfo back;
  json::read(*doc, back);
  ASSERT_TRUE(back.system_check);
  EXPECT_EQ(json::to_string(back), text);
  MachineInfo old;
  json::read(*json::parse(R"({"hostname": "h", "governor": null})"), old);
  EXPECT_FALSE(old.system_check);
}

TEST(SystemCheck, TheRealMachine) {
  SystemCheckOptions o;
  o.interval = std::chrono::milliseconds(100);
  const auto check = check_system(o);
  EXPECT_FALSE(check.facts.cpus.empty());
  EXPECT_GT(check.facts.logical_cpus, 0);
  EXPECT_EQ(check.items.size(), 13u);
  for (const auto& i : check.items) {
    EXPECT_FALSE(i.found.empty()) << i.name;
    if (i.status == CheckStatus::warning) {
      EXPECT_FALSE(i.fix.empty()) << i.name;
    }
  }
  // Whatever this machine is, governor and turbo are judged or said to be missing, never guessed.
  if (check.facts.frequency.empty()) {
    EXPECT_EQ(check.item("governor")->status, CheckStatus::not_applicable);
  }
  std::printf("%s", render_system_check(check).c_str());
}
