#include "os/tuning.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "os/clock.h"
#include "os/fd.h"
#include "os/files.h"
#include "os/lock.h"
#include "util/error.h"
#include "util/json.h"

namespace fs = std::filesystem;

namespace ftbench::os {
namespace {

// Why a missing file means "not exposed" here, per kind of setting.
struct Known {
  TuneSetting setting;
  std::string missing;  // said when the file does not exist
};

std::string shown(const std::string& file) { return "/" + file; }

std::string boot_id(const SystemRoot& root) {
  return read_first_line(root.proc("sys/kernel/random/boot_id")).value_or("");
}

// sysfs marks attributes without a store method 0444, and writing them fails even for root
// (who passes access(W_OK) anyway): the mode bits are the reliable sign.
bool read_only(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return true;
  return (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || ::access(path.c_str(), W_OK) != 0;
}

// One value into a sysfs/procfs file (O_TRUNC for the plain files of a fake tree); errno or 0.
int write_value(const fs::path& path, const std::string& value) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd) return errno;
  const std::string line = value + "\n";
  const ssize_t n = ::write(fd.get(), line.data(), line.size());
  if (n < 0) return errno;
  return static_cast<size_t>(n) == line.size() ? 0 : EIO;
}

std::vector<Known> known_settings(const SystemRoot& root, std::span<const int> cpus) {
  std::vector<Known> out;
  for (int cpu : cpus) {
    TuneSetting s{"cpu" + std::to_string(cpu) + " governor", "sys/" + governor_file(cpu), "performance", ""};
    const auto available =
        read_first_line(root.sys("devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/scaling_available_governors"));
    if (available && (" " + *available + " ").find(" performance ") == std::string::npos)
      s.not_applicable = "no performance governor here (available: " + *available + ")";
    out.push_back({s, "no cpufreq for CPU " + std::to_string(cpu) + ": in a VM the host sets the frequency"});
  }
  const std::string neither = "neither /sys/" + std::string(kNoTurboFile) + " nor /sys/" + std::string(kBoostFile);
  if (fs::exists(root.sys(kNoTurboFile)))
    out.push_back({{"turbo (intel_pstate no_turbo)", "sys/" + std::string(kNoTurboFile), "1", ""}, neither});
  else
    out.push_back({{"turbo (cpufreq boost)", "sys/" + std::string(kBoostFile), "0", ""}, neither});
  out.push_back({{"ASLR", "proc/" + std::string(kAslrFile), "2", ""}, "no /proc/" + std::string(kAslrFile)});
  TuneSetting nmi{"NMI watchdog", "proc/" + std::string(kNmiWatchdogFile), "0", ""};
  if (cpu_pmus(root).empty()) nmi.not_applicable = "no hardware PMU: the watchdog holds no counter";
  out.push_back({nmi, "no /proc/" + std::string(kNmiWatchdogFile)});
  return out;
}

std::string missing_reason(const SystemRoot& root, std::span<const int> cpus, const std::string& file) {
  for (const auto& k : known_settings(root, cpus))
    if (k.setting.file == file) return k.missing;
  return "no " + shown(file);
}

TuneState load_state(const fs::path& file, const SystemRoot& root) {
  std::string error;
  const auto doc = json::parse(read_file(file), &error);
  TuneState state;
  if (!doc || !doc->IsObject() || json::get_or<std::string>(*doc, "schema", "") != "ftbench-tune")
    throw UserError("the tune state " + file.string() + " is damaged" + (error.empty() ? "" : " (" + error + ")") +
                    ": restore the settings it names by hand (see `orchestrate doctor`), then delete it");
  json::read(*doc, state);
  if (fs::path(state.root) != root.root)
    throw UserError("the tune state " + file.string() + " was written for the root " + state.root + ", not " +
                    root.root.string());
  return state;
}

void save_state(const fs::path& file, const TuneState& state) {
  os::write_file_atomically(file, json::to_string(state) + "\n");
}

// One --tune or --reset at a time per state file.
FileLock lock_state(const fs::path& file) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::string holder;
  auto lock = FileLock::try_acquire(file.string() + ".lock", "pid " + std::to_string(::getpid()), holder);
  if (!lock) throw UserError("another `orchestrate doctor --tune/--reset` is changing settings (" + holder + "); try again");
  return std::move(*lock);
}

void require_privilege(const TuneOptions& options, const char* flag) {
  if (!options.privileged)
    throw UserError(std::string(flag) + " changes kernel settings under /sys and /proc and needs root: run `sudo orchestrate doctor " +
                    flag + "` (nothing was changed)");
}

fs::path state_file_of(const TuneOptions& options) {
  return options.state_file.empty() ? default_tune_state_file(options.root) : options.state_file;
}

}  // namespace

fs::path default_tune_state_file(const SystemRoot& root) { return root.root / "var/lib/ftbench/tune.json"; }

bool TuneReport::all_done() const { return count(TuneOutcome::failed) == 0 && count(TuneOutcome::read_only) == 0; }

size_t TuneReport::count(TuneOutcome outcome) const {
  return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const TuneLine& l) { return l.outcome == outcome; }));
}

TuneReport tune(const TuneOptions& options) {
  require_privilege(options, "--tune");
  const auto& root = options.root;
  const auto file = state_file_of(options);
  // Locked once there is a state to read or write: a machine where nothing changes (a VM
  // without cpufreq) gets no directory and no lock file.
  std::optional<FileLock> lock;
  const bool had_state = fs::exists(file);
  const auto hold_lock = [&] {
    if (lock) return;
    lock = lock_state(file);
    if (!had_state && fs::exists(file))
      throw UserError("another `orchestrate doctor --tune` saved " + file.string() + " meanwhile: run --tune again");
  };
  TuneReport report;
  TuneState state;
  if (had_state) {
    hold_lock();
    state = load_state(file, root);
    if (!state.boot_id.empty() && state.boot_id != boot_id(root)) {
      report.notes.push_back("the state of a --tune before the last reboot was dropped: the settings it changed went back "
                             "to the kernel's defaults when the machine restarted");
      state.entries.clear();
    }
  }
  state.boot_id = boot_id(root);
  if (state.created_at.empty()) state.created_at = utc_now_iso8601();
  state.root = root.root.string();

  for (const auto& k : known_settings(root, options.cpus)) {
    const auto& s = k.setting;
    if (!s.not_applicable.empty()) {
      report.lines.push_back({s.name, TuneOutcome::not_applicable, "not applicable (" + s.not_applicable + ")"});
      continue;
    }
    const fs::path path = root.root / s.file;
    if (!fs::exists(path)) {
      report.lines.push_back({s.name, TuneOutcome::not_exposed, "not exposed (" + k.missing + "): left alone"});
      continue;
    }
    const auto current = read_first_line(path);
    if (!current) {
      report.lines.push_back({s.name, TuneOutcome::failed, "cannot read " + shown(s.file) + ": left alone"});
      continue;
    }
    auto known = std::find_if(state.entries.begin(), state.entries.end(), [&](const TuneEntry& e) { return e.file == s.file; });
    if (*current == s.target) {
      report.lines.push_back({s.name, TuneOutcome::already,
                              "already " + s.target +
                                  (known != state.entries.end() ? " (tuned earlier; --reset restores " + known->original + ")"
                                                                : std::string())});
      continue;
    }
    if (read_only(path)) {
      report.lines.push_back({s.name, TuneOutcome::read_only,
                              "cannot be changed: " + shown(s.file) + " is read-only (left at " + *current + ")"});
      continue;
    }
    // Recorded before the write: an interruption after it leaves a state --reset can undo.
    const bool fresh = known == state.entries.end();
    if (fresh) state.entries.push_back({s.name, s.file, *current, s.target, TuneProgress::changing});
    const size_t index = fresh ? state.entries.size() - 1 : static_cast<size_t>(known - state.entries.begin());
    state.entries[index].progress = TuneProgress::changing;
    hold_lock();
    save_state(file, state);
    if (options.after_step) options.after_step(state.entries[index], TuneStep::recorded);
    const int error = write_value(path, s.target);
    const auto now = read_first_line(path);
    if (options.after_step) options.after_step(state.entries[index], TuneStep::written);
    if (error == 0 && now == s.target) {
      state.entries[index].progress = TuneProgress::applied;
      save_state(file, state);
      report.lines.push_back({s.name, TuneOutcome::changed, *current + " -> " + s.target});
      continue;
    }
    // Not taken: put back what was there, so nothing stays half changed.
    write_value(path, *current);
    if (fresh) state.entries.erase(state.entries.begin() + static_cast<std::ptrdiff_t>(index));
    save_state(file, state);
    report.lines.push_back({s.name, TuneOutcome::failed,
                            "could not set " + s.target + " (" + (error ? std::strerror(error) : "the kernel kept " + now.value_or("?")) +
                                "): left at " + read_first_line(path).value_or(*current)});
  }

  std::error_code ec;
  if (state.entries.empty()) {
    if (lock) fs::remove(file, ec);
    report.notes.push_back("nothing was changed, so there is nothing to reset");
  } else {
    save_state(file, state);
    report.notes.push_back("saved in " + file.string() + ": `sudo orchestrate doctor --reset` restores the " +
                           std::to_string(state.entries.size()) + " setting" + (state.entries.size() == 1 ? "" : "s") +
                           " changed");
  }
  return report;
}

TuneReport reset_tuning(const TuneOptions& options) {
  require_privilege(options, "--reset");
  const auto& root = options.root;
  const auto file = state_file_of(options);
  TuneReport report;
  if (!fs::exists(file)) {
    report.notes.push_back("nothing to reset: no state at " + file.string() + " (`orchestrate doctor --tune` writes it)");
    return report;
  }
  const auto lock = lock_state(file);
  TuneState state = load_state(file, root);
  if (!state.boot_id.empty() && state.boot_id != boot_id(root))
    report.notes.push_back("the machine restarted since --tune: its settings were back at the kernel's defaults already");
  std::vector<TuneEntry> kept;
  for (const auto& e : state.entries) {
    const fs::path path = root.root / e.file;
    if (!fs::exists(path)) {
      report.lines.push_back({e.name, TuneOutcome::not_exposed,
                              "not exposed any more (" + missing_reason(root, options.cpus, e.file) + "): forgotten"});
      continue;
    }
    const auto current = read_first_line(path);
    if (current == e.original) {
      report.lines.push_back({e.name, TuneOutcome::already, "already " + e.original});
      continue;
    }
    if (read_only(path)) {
      kept.push_back(e);
      report.lines.push_back({e.name, TuneOutcome::read_only,
                              "cannot be restored: " + shown(e.file) + " is read-only now (kept in the state)"});
      continue;
    }
    const int error = write_value(path, e.original);
    const auto now = read_first_line(path);
    if (error == 0 && now == e.original) {
      report.lines.push_back({e.name, TuneOutcome::restored, current.value_or("?") + " -> " + e.original});
    } else {
      kept.push_back(e);
      report.lines.push_back({e.name, TuneOutcome::failed,
                              "could not restore " + e.original + " (" +
                                  (error ? std::strerror(error) : "the kernel kept " + now.value_or("?")) +
                                  "): kept in the state, run --reset again"});
    }
  }
  std::error_code ec;
  if (kept.empty()) {
    fs::remove(file, ec);
    report.notes.push_back("every setting is back; " + file.string() + " removed");
  } else {
    state.entries = kept;
    save_state(file, state);
    report.notes.push_back(std::to_string(kept.size()) + " setting" + (kept.size() == 1 ? "" : "s") + " still in " +
                           file.string());
  }
  return report;
}

std::string render_tune_report(const TuneReport& report) {
  std::string out;
  for (const auto& l : report.lines) out += "  " + l.name + ": " + l.text + "\n";
  for (const auto& n : report.notes) out += n + "\n";
  return out;
}

}  // namespace ftbench::os
