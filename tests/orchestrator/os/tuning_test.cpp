// `orchestrate doctor --tune` / `--reset` on fake /sys and /proc trees: exact restore, running
// twice, missing and read-only files, an interruption before and after a write, no root, a
// damaged state, a state from before a reboot.
#include "os/tuning.h"

#include <gtest/gtest.h>

#include "fake_system.h"
#include "os/files.h"
#include "util/error.h"

using namespace ftbench;
using namespace ftbench::os;
using ftbench::testing::FakeSystem;

namespace {

const char* kGov0 = "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor";
const char* kGov1 = "sys/devices/system/cpu/cpu1/cpufreq/scaling_governor";
const char* kNoTurbo = "sys/devices/system/cpu/intel_pstate/no_turbo";
const char* kAslr = "proc/sys/kernel/randomize_va_space";
const char* kNmi = "proc/sys/kernel/nmi_watchdog";

// Two CPUs with cpufreq, intel_pstate turbo on, ASLR partial, the NMI watchdog on a real PMU.
FakeSystem bare_metal() {
  FakeSystem s;
  s.cpus(2, 2).cpufreq(0, "powersave").cpufreq(1, "schedutil");
  s.write(kNoTurbo, "0");
  s.write(kAslr, "1");
  s.write(kNmi, "1");
  s.write("sys/bus/event_source/devices/cpu/type", "4");
  return s;
}

TuneOptions options_for(const FakeSystem& s) {
  TuneOptions o;
  o.root = s.root();
  o.cpus = {0, 1};
  o.privileged = true;
  return o;
}

const TuneLine& line(const TuneReport& r, const std::string& name) {
  for (const auto& l : r.lines)
    if (l.name == name) return l;
  throw std::runtime_error("no line for " + name);
}

void expect_originals(const FakeSystem& s) {
  EXPECT_EQ(s.read(kGov0), "powersave");
  EXPECT_EQ(s.read(kGov1), "schedutil");
  EXPECT_EQ(s.read(kNoTurbo), "0");
  EXPECT_EQ(s.read(kAslr), "1");
  EXPECT_EQ(s.read(kNmi), "1");
}

}  // namespace

TEST(Tuning, TunesAndResetsExactly) {
  auto s = bare_metal();
  const auto o = options_for(s);
  const auto tuned = tune(o);
  ASSERT_EQ(tuned.lines.size(), 5u);
  EXPECT_EQ(tuned.count(TuneOutcome::changed), 5u);
  EXPECT_TRUE(tuned.all_done());
  EXPECT_EQ(line(tuned, "cpu0 governor").text, "powersave -> performance");
  EXPECT_EQ(line(tuned, "cpu1 governor").text, "schedutil -> performance");
  EXPECT_EQ(s.read(kGov0), "performance");
  EXPECT_EQ(s.read(kNoTurbo), "1");
  EXPECT_EQ(s.read(kAslr), "2");
  EXPECT_EQ(s.read(kNmi), "0");
  const auto state_file = default_tune_state_file(o.root);
  ASSERT_TRUE(std::filesystem::exists(state_file));
  EXPECT_NE(os::read_file(state_file).find("\"original\": \"schedutil\""), std::string::npos);

  const auto reset = reset_tuning(o);
  EXPECT_EQ(reset.count(TuneOutcome::restored), 5u);
  EXPECT_EQ(line(reset, "cpu1 governor").text, "performance -> schedutil");
  expect_originals(s);
  EXPECT_FALSE(std::filesystem::exists(state_file));
  // Nothing left to undo.
  const auto again = reset_tuning(o);
  EXPECT_TRUE(again.lines.empty());
  ASSERT_EQ(again.notes.size(), 1u);
  EXPECT_NE(again.notes[0].find("nothing to reset"), std::string::npos);
}

TEST(Tuning, RunningTwiceKeepsTheFirstOriginals) {
  auto s = bare_metal();
  const auto o = options_for(s);
  tune(o);
  const auto second = tune(o);
  EXPECT_EQ(second.count(TuneOutcome::already), 5u);
  EXPECT_EQ(line(second, "cpu0 governor").text, "already performance (tuned earlier; --reset restores powersave)");
  reset_tuning(o);
  expect_originals(s);
}

TEST(Tuning, MissingAndReadOnlySettingsAreNamedAndLeftAlone) {
  FakeSystem s;
  s.cpus(2, 2).cpufreq(0, "powersave");  // CPU 1 has no cpufreq
  s.write(kNoTurbo, "0");
  s.read_only(kNoTurbo);
  s.write(kAslr, "2");
  s.write(kNmi, "1");  // no hardware PMU: the watchdog is not tuned
  const auto o = options_for(s);
  const auto tuned = tune(o);
  ASSERT_EQ(tuned.lines.size(), 5u);  // one line per setting
  EXPECT_EQ(line(tuned, "cpu0 governor").outcome, TuneOutcome::changed);
  EXPECT_EQ(line(tuned, "cpu1 governor").outcome, TuneOutcome::not_exposed);
  EXPECT_NE(line(tuned, "cpu1 governor").text.find("no cpufreq for CPU 1"), std::string::npos);
  EXPECT_EQ(line(tuned, "turbo (intel_pstate no_turbo)").outcome, TuneOutcome::read_only);
  EXPECT_EQ(line(tuned, "ASLR").outcome, TuneOutcome::already);
  EXPECT_EQ(line(tuned, "NMI watchdog").outcome, TuneOutcome::not_applicable);
  EXPECT_FALSE(tuned.all_done());
  EXPECT_EQ(s.read(kNoTurbo), "0");
  EXPECT_EQ(s.read(kNmi), "1");
  const auto reset = reset_tuning(o);
  ASSERT_EQ(reset.lines.size(), 1u);  // only what --tune changed
  EXPECT_EQ(line(reset, "cpu0 governor").outcome, TuneOutcome::restored);
  EXPECT_EQ(s.read(kGov0), "powersave");
}

TEST(Tuning, AVmWithoutCpufreqChangesNothing) {
  FakeSystem s;
  s.cpus(2, 2);
  s.write(kAslr, "2");
  s.write(kNmi, "0");
  const auto o = options_for(s);
  const auto tuned = tune(o);
  EXPECT_EQ(tuned.count(TuneOutcome::changed), 0u);
  EXPECT_EQ(tuned.count(TuneOutcome::not_exposed), 3u);  // two governors, turbo
  EXPECT_NE(line(tuned, "turbo (cpufreq boost)").text.find("neither"), std::string::npos);
  EXPECT_TRUE(tuned.all_done());
  EXPECT_FALSE(std::filesystem::exists(default_tune_state_file(o.root)));
  EXPECT_NE(tuned.notes.back().find("nothing was changed"), std::string::npos);
}

TEST(Tuning, AnInterruptionAfterAWriteIsUndoneByReset) {
  auto s = bare_metal();
  auto o = options_for(s);
  int writes = 0;
  o.after_step = [&](const TuneEntry&, TuneStep step) {
    if (step == TuneStep::written && ++writes == 2) throw std::runtime_error("killed");
  };
  EXPECT_THROW(tune(o), std::runtime_error);
  EXPECT_EQ(s.read(kGov0), "performance");
  EXPECT_EQ(s.read(kGov1), "performance");  // written, not yet marked applied
  EXPECT_EQ(s.read(kNoTurbo), "0");         // never reached
  const auto state = os::read_file(default_tune_state_file(o.root));
  EXPECT_NE(state.find("\"progress\": \"changing\""), std::string::npos) << state;
  o.after_step = nullptr;
  const auto reset = reset_tuning(o);
  EXPECT_EQ(reset.count(TuneOutcome::restored), 2u);
  expect_originals(s);
}

TEST(Tuning, AnInterruptionBeforeAWriteLeavesNothingToRestore) {
  auto s = bare_metal();
  auto o = options_for(s);
  o.after_step = [](const TuneEntry&, TuneStep step) {
    if (step == TuneStep::recorded) throw std::runtime_error("killed");
  };
  EXPECT_THROW(tune(o), std::runtime_error);
  expect_originals(s);
  o.after_step = nullptr;
  const auto reset = reset_tuning(o);
  ASSERT_EQ(reset.lines.size(), 1u);
  EXPECT_EQ(reset.lines[0].outcome, TuneOutcome::already);
  EXPECT_FALSE(std::filesystem::exists(default_tune_state_file(o.root)));
}

TEST(Tuning, RefusesWithoutRootAndChangesNothing) {
  auto s = bare_metal();
  auto o = options_for(s);
  o.privileged = false;
  try {
    tune(o);
    FAIL() << "tune ran without privilege";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("sudo orchestrate doctor --tune"), std::string::npos) << e.what();
  }
  EXPECT_THROW(reset_tuning(o), UserError);
  expect_originals(s);
  EXPECT_FALSE(std::filesystem::exists(default_tune_state_file(o.root)));
}

TEST(Tuning, ADamagedStateIsRefusedBeforeAnythingChanges) {
  auto s = bare_metal();
  const auto o = options_for(s);
  s.write("var/lib/ftbench/tune.json", "{\"schema\": \"ftbench-tune\", \"entries\": [");
  EXPECT_THROW(tune(o), UserError);
  EXPECT_THROW(reset_tuning(o), UserError);
  expect_originals(s);
}

TEST(Tuning, AStateFromBeforeAReboot) {
  auto s = bare_metal();
  const auto o = options_for(s);
  tune(o);
  // The machine restarts: the kernel's defaults are back and the boot id changes.
  s.write(kGov0, "powersave");
  s.write(kGov1, "schedutil");
  s.write(kNoTurbo, "0");
  s.write(kAslr, "1");
  s.write(kNmi, "1");
  s.write("proc/sys/kernel/random/boot_id", "99999999-2222-3333-4444-555555555555");
  const auto tuned = tune(o);
  EXPECT_EQ(tuned.count(TuneOutcome::changed), 5u);
  EXPECT_NE(tuned.notes.front().find("before the last reboot"), std::string::npos);
  reset_tuning(o);
  expect_originals(s);
}
