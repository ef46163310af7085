#pragma once
// The harness channel protocol, version 1 (workloads/PROTOCOL.md), seen from C++: the message
// types both sides send, parsed from and rendered to one line of compact JSON each. This
// mirrors workloads/ftbench/protocol.py; it does no I/O (run/channel.h carries the lines).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "discovery/interpreter.h"
#include "harness/benchmark.h"
#include "util/enum_names.h"
#include "util/json.h"

namespace ftbench::harness {

inline constexpr int kProtocolVersion = 1;

// Where an `error` happened in the child.
enum class Phase { import_module, setup, iteration, teardown, check, protocol };
inline constexpr util::EnumName<Phase> kPhaseNames[] = {
    {Phase::import_module, "import"}, {Phase::setup, "setup"}, {Phase::iteration, "iteration"},
    {Phase::teardown, "teardown"},    {Phase::check, "check"}, {Phase::protocol, "protocol"}};
constexpr std::span<const util::EnumName<Phase>> enum_names(Phase) { return kPhaseNames; }

// One worker's times in one iteration (nanoseconds from the release of the workers).
struct ThreadTiming {
  int index = 0;
  int64_t wall_ns = 0;                  // release -> this worker finished its body
  int64_t cpu_ns = 0;                   // this worker's CPU time in its body
  std::optional<int64_t> start_ns;      // release -> this worker began (wake-up skew)
  std::optional<int64_t> tid;           // the worker's OS thread id
};
template <class F>
void describe(ThreadTiming& t, F& f) {
  f("index", t.index);
  f("wall_ns", t.wall_ns);
  f("cpu_ns", t.cpu_ns);
  f.optional("start_ns", t.start_ns);
  f.optional("tid", t.tid);
}

// What `done` reports about one iteration.
struct IterationReport {
  int index = 0;
  bool warmup = false;
  int64_t region_ns = 0;                // release of the workers -> the last one finished
  int64_t ops = 0;
  bool gil_enabled = true;              // re-read after the iteration
  std::vector<ThreadTiming> threads;
};
// Every field but the index, which `done` calls "iteration" and results files "index".
template <class F>
void describe(IterationReport& r, F& f) {
  f("warmup", r.warmup);
  f("region_ns", r.region_ns);
  f("ops", r.ops);
  f("gil_enabled", r.gil_enabled);
  f("threads", r.threads);
}

// Child -> orchestrator.
struct Hello {
  int protocol = 0;
  int64_t pid = 0;
  std::optional<int> os_threads;        // threads in the process at hello (1 unless an import started some)
  discovery::Interpreter interpreter;
  WorkloadReport workload;
};
struct Ready {
  int iteration = 0;
};
struct Done {
  IterationReport report;
};
struct Bye {
  bool gil_enabled = true;
  bool checked = false;                 // the workload's check() ran and passed
};
struct Error {
  Phase phase = Phase::protocol;
  std::string message;
  std::string traceback;
};
using ChildMessage = std::variant<Hello, Ready, Done, Bye, Error>;

// Orchestrator -> child.
struct Start {};
struct Go {
  int iteration = 0;
  bool warmup = false;
};
struct Ack {
  int iteration = 0;
};
struct Stop {};
using Command = std::variant<Start, Go, Ack, Stop>;

std::string_view type_name(const ChildMessage& message);  // "hello", "ready", ...
std::string_view type_name(const Command& command);       // "start", "go", ...

// One line of compact JSON, without the newline.
std::string render(const ChildMessage& message);
std::string render(const Command& command);

// A received line: the message, or what was wrong with it (with the offending text).
template <class Message>
struct Parsed {
  std::optional<Message> message;
  std::string problem;
};
Parsed<ChildMessage> parse_child_message(std::string_view line);
Parsed<Command> parse_command(std::string_view line);

}  // namespace ftbench::harness
