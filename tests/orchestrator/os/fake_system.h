#pragma once
// A fake /sys and /proc tree in a temporary directory, for the system check and --tune: the
// same code that reads the real machine reads this one (os::SystemRoot).

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "../test_support.h"
#include "os/files.h"
#include "os/system_check.h"

namespace ftbench::testing {

class FakeSystem {
 public:
  FakeSystem() { write("proc/sys/kernel/random/boot_id", "11111111-2222-3333-4444-555555555555"); }

  os::SystemRoot root() const { return {dir_->path()}; }
  std::filesystem::path path(const std::string& relative) const { return dir_->path() / relative; }

  void write(const std::string& relative, const std::string& text) const { write_text(path(relative), text + "\n"); }
  std::string read(const std::string& relative) const {
    return os::read_first_line(path(relative)).value_or("<missing>");
  }
  void read_only(const std::string& relative) const { ::chmod(path(relative).c_str(), 0444); }

  // `cpus` online CPUs, `cores` physical cores (CPU i on core i % cores: siblings when cpus > cores).
  FakeSystem& cpus(int cpus, int cores) {
    write("sys/devices/system/cpu/online", "0-" + std::to_string(cpus - 1));
    for (int c = 0; c < cpus; ++c) {
      const std::string base = "sys/devices/system/cpu/cpu" + std::to_string(c) + "/topology/";
      write(base + "physical_package_id", "0");
      write(base + "core_id", std::to_string(c % cores));
    }
    return *this;
  }
  FakeSystem& cpufreq(int cpu, const std::string& governor, const std::string& driver = "acpi-cpufreq") {
    const std::string base = "sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/";
    write(base + "scaling_governor", governor);
    write(base + "scaling_driver", driver);
    write(base + "scaling_available_governors", "performance powersave ");
    write(base + "cpuinfo_min_freq", "800000");
    write(base + "cpuinfo_max_freq", "3500000");
    write(base + "scaling_min_freq", "800000");
    write(base + "scaling_max_freq", "3500000");
    return *this;
  }
  // /proc/stat with `cpus` CPUs: `total` jiffies over all of them, `steal` of those.
  FakeSystem& proc_stat(int cpus, long long total, long long steal) {
    const long long idle = total - steal;
    std::string text = "cpu  0 0 0 " + std::to_string(idle) + " 0 0 0 " + std::to_string(steal) + " 0 0\n";
    for (int c = 0; c < cpus; ++c) text += "cpu" + std::to_string(c) + " 0 0 0 0 0 0 0 0 0 0\n";
    write_text(path("proc/stat"), text + "intr 0\n");
    return *this;
  }
  // /proc/<pid>/stat with `ticks` of CPU (utime + stime), its comm in parentheses.
  FakeSystem& process(int pid, const std::string& comm, long long ticks) {
    write("proc/" + std::to_string(pid) + "/stat",
          std::to_string(pid) + " (" + comm + ") S 1 1 1 0 -1 0 0 0 0 0 " + std::to_string(ticks) + " 0 0 0 20 0 1 0");
    return *this;
  }

 private:
  std::unique_ptr<TempDir> dir_ = std::make_unique<TempDir>();  // held by pointer: a FakeSystem moves
};

}  // namespace ftbench::testing
