#pragma once
// What makes two nights' numbers the same series: a stable machine fingerprint, the
// interpreter's identity, the benchmark's code, the thread count and the metric. Anything
// volatile (hostname, boot id, bogomips, the binary's hash) is recorded beside, never keyed on:
// a reboot must not split a series, a rebuilt interpreter must not either (its sha256 marks
// *when* it changed), but another CPU, another Python minor version, other build flags or
// PYTHON_GIL, or edited workload code must.

#include <span>
#include <string>

#include "os/machine.h"
#include "plan/plan.h"
#include "util/enum_names.h"

namespace ftbench::history {

// CPU model, physical cores, architecture and kernel major.minor, hashed (16 hex digits).
std::string machine_fingerprint(const os::MachineInfo& machine);
// "Intel Xeon ... (2 cores, x86_64, Linux 6.1)": what the fingerprint stands for, for people.
std::string machine_description(const os::MachineInfo& machine);

// Implementation, major.minor, free-threaded or not, configure flags (without the prefix) and
// the environment (PYTHON_GIL=1 ...), hashed (16 hex digits).
std::string interpreter_identity(const plan::TestedInterpreter& interpreter);

enum class SeriesKind { cell, free_threading, gil_switch, scaling };
inline constexpr util::EnumName<SeriesKind> kSeriesKindNames[] = {{SeriesKind::cell, "cell"},
                                                                  {SeriesKind::free_threading, "free_threading"},
                                                                  {SeriesKind::gil_switch, "gil_switch"},
                                                                  {SeriesKind::scaling, "scaling"}};
constexpr std::span<const util::EnumName<SeriesKind>> enum_names(SeriesKind) { return kSeriesKindNames; }

struct SeriesIdentity {
  SeriesKind kind = SeriesKind::cell;
  std::string machine;               // machine_fingerprint
  std::string interpreter;           // label
  std::string interpreter_identity;
  std::string reference;             // free_threading / gil_switch: the reference's label
  std::string reference_identity;
  std::string benchmark;
  std::string code_hash;             // of the workload's code
  std::string size;                  // default | quick | a number
  int threads = 1;
  std::string metric;                // time_per_op, cpu_per_op, <counter>_per_op, ratio, efficiency

  std::string key() const;           // the canonical text every store keys on
  std::string name() const;          // "3.13t scaling/parallel_compute t2 time_per_op" for people
};

}  // namespace ftbench::history
