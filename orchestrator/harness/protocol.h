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

// Diagnose mode (`--diagnose`, PROTOCOL.md "Diagnose mode"): a thing worth watching, as the
// harness describes it in the child's address space.
enum class CandidateKind { object, buffer };
inline constexpr util::EnumName<CandidateKind> kCandidateKindNames[] = {{CandidateKind::object, "object"},
                                                                        {CandidateKind::buffer, "buffer"}};
constexpr std::span<const util::EnumName<CandidateKind>> enum_names(CandidateKind) { return kCandidateKindNames; }

enum class CandidateOrigin { named, automatic };  // ftbench.watch() / found by the harness
inline constexpr util::EnumName<CandidateOrigin> kCandidateOriginNames[] = {{CandidateOrigin::named, "named"},
                                                                            {CandidateOrigin::automatic, "auto"}};
constexpr std::span<const util::EnumName<CandidateOrigin>> enum_names(CandidateOrigin) {
  return kCandidateOriginNames;
}

// One field of an object's header on this build (ob_ref_shared at +16 on free-threaded ones).
struct HeaderField {
  std::string name;
  int64_t offset = 0;
  int64_t size = 0;
};
template <class F>
void describe(HeaderField& h, F& f) {
  f("name", h.name);
  f("offset", h.offset);
  f("size", h.size);
}

struct WatchCandidate {
  std::string key;                     // unique in the process: the watch() name or a path ("self.buf")
  CandidateOrigin origin = CandidateOrigin::automatic;
  CandidateKind kind = CandidateKind::object;
  std::string type;                    // the Python type's qualified name
  int64_t address = 0;                 // an object: id(obj); a buffer: its first data byte
  int64_t size = 0;                    // bytes
  std::optional<int64_t> itemsize;     // buffers: bytes per element
  std::optional<bool> immortal;        // objects: no reference-count writes ever
  std::vector<HeaderField> fields;     // objects: the header of this build
  std::string note;                    // why it has no address (not contiguous, released, no ctypes)
};
template <class F>
void describe(WatchCandidate& c, F& f) {
  f("key", c.key);
  f("origin", c.origin);
  f("kind", c.kind);
  f("type", c.type);
  f("address", c.address);
  f("size", c.size);
  f.optional("itemsize", c.itemsize);
  f.optional("immortal", c.immortal);
  f.optional("fields", c.fields);
  f.optional("note", c.note);
}

// The 8-byte words of a buffer candidate whose contents an iteration changed (offsets from
// its address of words aligned in absolute addresses, so the first may be negative).
struct WrittenWords {
  std::string key;
  std::vector<int64_t> offsets;
  bool truncated = false;
};
template <class F>
void describe(WrittenWords& w, F& f) {
  f("key", w.key);
  f("offsets", w.offsets);
  f.optional("truncated", w.truncated);
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
  std::vector<int64_t> tids;                   // diagnose mode: the workers' OS thread ids
  std::vector<WatchCandidate> candidates;      // diagnose mode: everything registered so far
  bool truncated = false;                      // diagnose mode: more than the harness lists (256)
};
struct Done {
  IterationReport report;
  std::vector<WrittenWords> written;           // diagnose mode: buffer words the region changed
  std::vector<WatchCandidate> candidates;      // diagnose mode: registered during the region
  bool truncated = false;
};
// Diagnose mode, mid-region: a thread registered candidates and waits for `armed`.
struct Watch {
  int iteration = 0;
  int64_t tid = 0;
  std::vector<WatchCandidate> candidates;
  bool truncated = false;
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
using ChildMessage = std::variant<Hello, Ready, Done, Watch, Bye, Error>;

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
struct Armed {  // diagnose mode: the answer to `watch` (the watchpoints are set)
  int iteration = 0;
};
using Command = std::variant<Start, Go, Ack, Stop, Armed>;

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
