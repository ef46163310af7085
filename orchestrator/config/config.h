#pragma once
// A benchmark run as the user asked for it: the YAML config file (config_loader.cpp) with the
// command line's overrides applied (overrides.cpp). Both validate every value through the same
// parsers (values.cpp), so a value the file refuses is refused on the command line too.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/defaults.h"
#include "discovery/discovery.h"
#include "perf/profiles.h"
#include "perf/status.h"
#include "util/enum_names.h"
#include "util/json.h"

namespace ftbench::config {

// A position in a config file, 1-based, for error messages ("file:line:col"); for a
// command-line value, `file` names the flag and line is 0.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;
};

// One interpreter under test: an explicit path or a discovery query, plus its environment.
struct InterpreterSpec {
  std::string name;                              // label in reports, may hold {minor} and {version}
                                                 // (filled from the interpreter found); empty: derived
  std::optional<std::filesystem::path> path;     // explicit interpreter ("~/" expanded), else discovered by `query`
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

// How each round of processes is ordered: by cell (every (benchmark, threads) cell visits all
// interpreters back to back, in a fresh shuffle) or shuffled (the whole round in random order,
// so no two processes of a cell need run back to back).
enum class Order { by_cell, shuffled };
inline constexpr util::EnumName<Order> kOrderNames[] = {{Order::by_cell, "by_cell"}, {Order::shuffled, "shuffled"}};
constexpr std::span<const util::EnumName<Order>> enum_names(Order) { return kOrderNames; }

struct Repetitions {
  int processes = kDefaultProcesses;    // fresh interpreter processes per (interpreter, benchmark, threads)
  int warmups = kDefaultWarmups;        // warm-up iterations per process, not measured
  int iterations = kDefaultIterations;  // measured iterations per process
  // Adaptive mode: keep adding processes where the intervals users read (free-threaded vs
  // default build, the GIL switch, workload pairs, scaling; else each cell's median) are
  // wider than this relative half-width, until max_seconds per benchmark is spent.
  std::optional<double> target_rel_ci;
  double max_seconds = kDefaultMaxSecondsPerBenchmark;
  Order order = Order::by_cell;

  // Exactly n processes a cell (`--repetitions N`, a nightly confirmation batch): no adaptive rounds.
  void set_exact(int n) {
    processes = n;
    target_rel_ci.reset();
  }
};

struct Counters {
  perf::Profile profile = perf::Profile::basic;
  std::vector<perf::EventRequest> events;  // added to the profile's events
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
inline constexpr util::EnumName<Affinity::Mode> kAffinityModeNames[] = {
    {Affinity::Mode::none, "none"}, {Affinity::Mode::automatic, "auto"}, {Affinity::Mode::list, "list"}};
constexpr std::span<const util::EnumName<Affinity::Mode>> enum_names(Affinity::Mode) { return kAffinityModeNames; }

// Every report format; each has one exporter in report/.
enum class OutputFormat { json, csv, markdown, html, pyperf };
inline constexpr util::EnumName<OutputFormat> kOutputFormatNames[] = {{OutputFormat::json, "json"},
                                                                      {OutputFormat::csv, "csv"},
                                                                      {OutputFormat::markdown, "markdown"},
                                                                      {OutputFormat::html, "html"},
                                                                      {OutputFormat::pyperf, "pyperf"}};
constexpr std::span<const util::EnumName<OutputFormat>> enum_names(OutputFormat) { return kOutputFormatNames; }
std::vector<OutputFormat> all_output_formats();

struct Output {
  std::filesystem::path directory = "results";
  std::vector<OutputFormat> formats{OutputFormat::json};
};

// The nightly history (docs/history.md): where it lives and how nights are judged.
struct History {
  bool enabled = true;                       // every finished run is ingested
  std::optional<std::filesystem::path> path; // default: <output directory>/history.sqlite
  std::optional<std::string> url;            // a fleet's shared store (postgresql://...): each night is pushed there
  double fdr = 0.05;                         // Benjamini-Hochberg q over a night's series
  double min_effect = 0.03;                  // the smallest change reported as a regression
  double noise_multiplier = 2.0;             // minimum effect >= this many night-to-night sds (beyond sampling)
  double confirm_budget = 0.10;              // share of the night's machine time confirmation may use
  double max_load = 1.5;                     // preflight: 1-minute load per usable CPU above this: unfit
  double max_noise = 0.25;                   // preflight: noise probe's spread (MAD/median) above this: unfit
  double drift_threshold = 0.05;             // the machine's own move tonight beyond this is reported as drift

  std::filesystem::path file(const std::filesystem::path& output_directory) const {
    return path ? *path : output_directory / "history.sqlite";
  }
};

// Per-process limits (README "limits"); absent: none. A process that hits the memory or the
// open-files limit fails with a reason naming it; a log over its limit is cut (head and tail
// kept), which is recorded but not a failure.
struct Limits {
  std::optional<uint64_t> memory_bytes = kDefaultMemoryLimitBytes;
  std::optional<uint64_t> log_bytes = kDefaultLogLimitBytes;  // per stream (stdout, stderr)
  std::optional<uint64_t> open_files = kDefaultOpenFilesLimit;
};
template <class F>
void describe(Limits& l, F& f) {
  f("memory_bytes", l.memory_bytes);
  f("log_bytes", l.log_bytes);
  f("open_files", l.open_files);
}

struct RunConfig {
  std::filesystem::path source_file;
  std::string name;
  std::optional<std::string> min_kernel;  // e.g. "5.10": checked at start
  std::vector<InterpreterSpec> interpreters;
  BenchmarkSelection benchmarks;
  std::vector<ThreadSetting> threads{ThreadSetting{}};
  std::string size = "default";           // default | quick | a positive number
  Repetitions repetitions;
  Counters counters;
  Affinity affinity;
  double timeout_seconds = kDefaultTimeoutSeconds;  // per process run
  Limits limits;
  Output output;
  History history;
  std::optional<uint64_t> seed;           // interleaving shuffle; random (and recorded) if absent
};

// Parses and validates a config; every error is a ConfigError "file:line:col: message".
RunConfig load_config(const std::filesystem::path& file);
RunConfig parse_config(const std::string& yaml_text, const std::string& file_name);

// Command-line flags that override the file, as typed (absent/empty: keep the file's value).
// Validated by the same parsers as the file; errors name the flag.
struct Overrides {
  std::vector<std::string> benchmarks;   // globs
  std::optional<std::string> profile;
  std::vector<std::string> threads;      // "1", "2", "ncpu"
  std::vector<std::string> pythons;      // paths or version specs like "3.13t"
  std::optional<std::filesystem::path> output;
  std::optional<std::string> processes;  // --repetitions
  std::optional<std::string> warmups;
  std::optional<std::string> iterations;
  std::optional<std::string> size;
  std::optional<std::string> timeout;
  std::optional<std::filesystem::path> history;  // --history PATH
  bool no_history = false;                       // --no-history
  std::vector<std::string> limits;               // --limit memory=2G (KEY=VALUE, repeatable)
};
void apply_overrides(RunConfig& config, const Overrides& overrides);

// The value parsers both use. Each throws std::invalid_argument with a message that says
// what is valid; callers add the position (file:line:col or the flag).
ThreadSetting parse_thread_setting(const std::string& text);     // "4", "ncpu"
InterpreterSpec parse_python_argument(const std::string& text);  // "/path/python", "3.13", "3.13t",
                                                                 // newest-free-threaded, before-free-threading
// A `version:` value into the query: a version spec ("3.13", ">=3.10,<3.13") or a rule word
// (newest-free-threaded, before-free-threading).
void parse_version_query(const std::string& text, discovery::InterpreterQuery& query);
// An interpreter's name: checks its placeholders ({minor}, {version}); expand_name fills them.
std::string parse_interpreter_name(const std::string& text);
std::string expand_name(const std::string& name, const discovery::Interpreter& interpreter);
// A path as written: a leading "~/" is the home directory.
std::filesystem::path parse_path(const std::string& text);
std::string parse_size(const std::string& text);                 // "default", "quick", "1000"
double parse_duration(const std::string& text);                  // seconds: 90, 90s, 5m, 1h
// A size in bytes: "512M", "4G", "1.5G", "64K", "1048576" (binary units: K = 1024), at least
// `min` bytes; "unlimited" is nullopt. `what` names the setting in the message.
std::optional<uint64_t> parse_size_limit(const std::string& text, const char* what, uint64_t min);
// One `limits:` key and its value ("memory", "4G") into `limits`; `key` must be one of
// kLimitKeys. The file and --limit KEY=VALUE share it.
void parse_limit(const std::string& key, const std::string& value, Limits& limits);
inline constexpr const char* kLimitKeys[] = {"memory", "log", "open_files"};
std::string limit_keys_text();  // "memory, log, open_files", for messages
perf::Profile parse_profile(const std::string& text);
OutputFormat parse_output_format(const std::string& text);
Affinity::Mode parse_affinity_mode(const std::string& text);     // none | auto
std::vector<OutputFormat> parse_output_formats(const std::vector<std::string>& values);  // comma lists too

// Integer settings with their valid range, shared by the file and the flags.
struct IntSetting {
  const char* what;  // "repetitions.processes"
  long long min;
  long long max;
};
inline constexpr IntSetting kProcesses{"repetitions.processes", 1, 10000};
inline constexpr IntSetting kWarmups{"repetitions.warmups", 0, 10000};
inline constexpr IntSetting kIterations{"repetitions.iterations", 1, 100000};
long long parse_int(const std::string& text, const IntSetting& setting);
double parse_number(const std::string& text, const char* what, double min, double max);

}  // namespace ftbench::config
