#pragma once
// A benchmark as the harness describes it: a suite workload (`python -m ftbench list --json`)
// or a user's script, and what a process's hello adds about the instance it runs.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "discovery/python_version.h"
#include "util/enum_names.h"
#include "util/json.h"

namespace ftbench::harness {

enum class Kind { suite, script };
inline constexpr util::EnumName<Kind> kKindNames[] = {{Kind::suite, "suite"}, {Kind::script, "script"}};
constexpr std::span<const util::EnumName<Kind>> enum_names(Kind) { return kKindNames; }

// How the work grows with threads (workloads/SUITE.md): strong = fixed total work, weak =
// fixed work per thread, latency = each operation's latency is the result and more threads
// show throughput (no scaling efficiency). unspecified: a workload that could not be loaded.
enum class Scaling { unspecified, strong, weak, latency };
inline constexpr util::EnumName<Scaling> kScalingNames[] = {
    {Scaling::unspecified, ""}, {Scaling::strong, "strong"}, {Scaling::weak, "weak"}, {Scaling::latency, "latency"}};
constexpr std::span<const util::EnumName<Scaling>> enum_names(Scaling) { return kScalingNames; }

// What a workload pair's docstring expects of subject/reference time per operation
// (workloads/PROTOCOL.md): free_threaded = a free-threaded build running with the GIL off;
// gil = a default (GIL) build; a free-threaded build with the GIL switched back on matches
// only `any`.
enum class BuildKind { any, free_threaded, gil };
inline constexpr util::EnumName<BuildKind> kBuildKindNames[] = {
    {BuildKind::any, "any"}, {BuildKind::free_threaded, "free_threaded"}, {BuildKind::gil, "gil"}};
constexpr std::span<const util::EnumName<BuildKind>> enum_names(BuildKind) { return kBuildKindNames; }

enum class ThreadCondition { any, one, several };
inline constexpr util::EnumName<ThreadCondition> kThreadConditionNames[] = {
    {ThreadCondition::any, "any"}, {ThreadCondition::one, "1"}, {ThreadCondition::several, ">=2"}};
constexpr std::span<const util::EnumName<ThreadCondition>> enum_names(ThreadCondition) { return kThreadConditionNames; }

enum class ExpectedRatio { higher, lower, equal };
inline constexpr util::EnumName<ExpectedRatio> kExpectedRatioNames[] = {
    {ExpectedRatio::higher, "higher"}, {ExpectedRatio::lower, "lower"}, {ExpectedRatio::equal, "equal"}};
constexpr std::span<const util::EnumName<ExpectedRatio>> enum_names(ExpectedRatio) { return kExpectedRatioNames; }

enum class PairRole { subject, reference };
inline constexpr util::EnumName<PairRole> kPairRoleNames[] = {{PairRole::subject, "subject"},
                                                              {PairRole::reference, "reference"}};
constexpr std::span<const util::EnumName<PairRole>> enum_names(PairRole) { return kPairRoleNames; }

struct Expectation {
  BuildKind build = BuildKind::any;
  ThreadCondition threads = ThreadCondition::any;
  std::string python = "any";                  // "any", or a version spec on major.minor ("<3.14")
  ExpectedRatio ratio = ExpectedRatio::equal;  // of subject / reference time per operation
  bool applies(bool free_threaded_build, bool gil_enabled, const discovery::PythonVersion& version,
               int thread_count) const;
};
template <class F>
void describe(Expectation& e, F& f) {
  f("build", e.build);
  f("threads", e.threads);
  f("python", e.python);
  f("ratio", e.ratio);
}

// The suite's workload pairs (workloads/SUITE.md): two workloads whose per-operation times
// compare directly, one the subject, the other the reference.
struct PairInfo {
  std::string id;                  // the pair's name, e.g. "false_sharing"
  PairRole role = PairRole::subject;
  std::string other;               // the other workload's id
  std::vector<Expectation> expected;
};
template <class F>
void describe(PairInfo& p, F& f) {
  f("id", p.id);
  f("role", p.role);
  f("other", p.other);
  f("expected", p.expected);
}

struct Benchmark {
  std::string id;                 // "memory/ordering/false_sharing_padded", or "script:<file name>"
  Kind kind = Kind::suite;
  Scaling scaling = Scaling::unspecified;
  std::string op_name;
  std::string summary;
  std::vector<std::string> tags;
  std::optional<PairInfo> pair;
  std::string script_path;        // kind == script
  std::vector<std::string> script_args;
  std::string code_hash;          // of the workload's code (its module and the suite's private helpers)

  // First path component: "memory" of "memory/ordering/x"; "script" for scripts.
  std::string group() const;
};
template <class F>
void describe(Benchmark& b, F& f) {
  f("id", b.id);
  f("kind", b.kind);
  f("scaling", b.scaling);
  f("op_name", b.op_name);
  f("tags", b.tags);
  f.optional("pair", b.pair);
  f.optional("summary", b.summary);
  f.optional("script_path", b.script_path);
  f.optional("script_args", b.script_args);
  f.optional("code_hash", b.code_hash);
}

// A user's script as the one benchmark of a run (`orchestrate script`, `orchestrate diagnose`):
// weak scaling, one operation per run of the script. Throws UserError when the file is not there.
Benchmark script_benchmark(const std::string& path, const std::vector<std::string>& args);

// What a process's hello says about the workload instance it runs.
struct WorkloadReport {
  Benchmark benchmark;             // id, kind, scaling, op_name, tags, pair
  int threads = 0;
  int64_t size = 0;                // 0 for scripts
  std::string size_preset;         // "" for an explicit size and scripts
  std::optional<int64_t> ops_per_iteration;  // null: the workload could not be loaded
};
template <class F>
void describe(WorkloadReport& r, F& f) {
  describe(r.benchmark, f);  // the same object holds the benchmark's fields
  f("threads", r.threads);
  f("size", r.size);
  f("size_preset", r.size_preset);
  f("ops_per_iteration", r.ops_per_iteration);
}

}  // namespace ftbench::harness
