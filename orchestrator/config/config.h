#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "discovery/discovery.h"

namespace ftbench::config {

// A position in a config file, 1-based, for error messages ("file:line:col").
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;
};

// One interpreter under test: an explicit path or a discovery query, plus its environment.
struct InterpreterSpec {
  std::string name;                              // label in reports; empty: derived from the facts
  std::optional<std::filesystem::path> path;     // explicit interpreter, else discovered by `query`
  discovery::InterpreterQuery query;
  std::map<std::string, std::string> env;        // e.g. PYTHON_GIL=1 on a free-threaded build
  bool baseline = false;                         // comparisons are made against this one
  bool required = true;                          // false: skip with a warning when not found
  SourceLocation where;
};

struct BenchmarkSelection {
  std::vector<std::string> include{"*"};  // globs over suite ids ("memory/ordering/*")
  std::vector<std::string> exclude;
  std::vector<std::string> tags;          // keep only workloads with one of these tags
};

// A thread count as written: a number, or "ncpu" (the usable CPUs at run time).
struct ThreadSetting {
  bool ncpu = false;
  int count = 1;
  std::string str() const { return ncpu ? "ncpu" : std::to_string(count); }
};

struct Repetitions {
  int processes = 3;          // fresh interpreter processes per (interpreter, benchmark, threads)
  int warmups = 1;            // warm-up iterations per process, not measured
  int iterations = 5;         // measured iterations per process
  // Adaptive mode: keep adding processes until the median's relative CI half-width is below
  // this, or max_seconds per benchmark is spent.
  std::optional<double> target_rel_ci;
  double max_seconds = 120;
};

struct EventSetting {
  std::string name;
  bool required = false;
};

struct Counters {
  std::string profile = "basic";     // none | basic | detailed (see perf/profiles)
  std::vector<EventSetting> events;  // added to the profile's events
};

struct Affinity {
  enum class Mode { none, automatic, list } mode = Mode::none;
  std::vector<int> cpus;  // for Mode::list

  // CPUs a run may use: the list when pinned to one, else what the machine allows ("ncpu",
  // and the CPU count scaling efficiency is judged against).
  int cpu_count(size_t machine_usable) const {
    return static_cast<int>(mode == Mode::list && !cpus.empty() ? cpus.size() : machine_usable);
  }
};
// "none" | "auto" | "list": as written in configs and results.
std::string to_string(Affinity::Mode mode);
std::optional<Affinity::Mode> parse_affinity_mode(const std::string& text);

// Every report format; each has an exporter in report/ (report/exporter.cpp).
inline const std::vector<std::string>& output_formats() {
  static const std::vector<std::string> formats{"json", "csv", "markdown", "html", "pyperf"};
  return formats;
}

struct Output {
  std::filesystem::path directory = "results";
  std::vector<std::string> formats{"json"};
};

struct RunConfig {
  std::filesystem::path source_file;
  std::string name;
  std::optional<std::string> min_kernel;  // e.g. "5.10": checked at start
  std::vector<InterpreterSpec> interpreters;
  BenchmarkSelection benchmarks;
  std::vector<ThreadSetting> threads{ThreadSetting{}};
  std::string size = "default";           // default | quick | a number
  Repetitions repetitions;
  Counters counters;
  Affinity affinity;
  double timeout_seconds = 300;           // per process run
  Output output;
  std::optional<uint64_t> seed;           // interleaving shuffle; random (and recorded) if absent
};

// Parses and validates a config; every error is a ConfigError "file:line:col: message".
RunConfig load_config(const std::filesystem::path& file);
RunConfig parse_config(const std::string& yaml_text, const std::string& file_name);

// Command-line flags that override the file (empty/absent: keep the file's value).
struct Overrides {
  std::vector<std::string> benchmarks;   // globs
  std::optional<std::string> profile;
  std::vector<std::string> threads;      // "1", "2", "ncpu"
  std::vector<std::string> pythons;      // paths or version specs like "3.13t"
  std::optional<std::filesystem::path> output;
  std::optional<int> repetitions;        // processes
  std::optional<std::string> size;
};
void apply_overrides(RunConfig& config, const Overrides& overrides);

// Shared parsers, also used for command-line values.
ThreadSetting parse_thread_setting(const std::string& text);  // throws std::invalid_argument
InterpreterSpec parse_python_argument(const std::string& text);  // "/path/python", "3.13", "3.13t"

}  // namespace ftbench::config
