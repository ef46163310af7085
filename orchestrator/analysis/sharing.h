#pragma once
// Where threads share cache lines, in Python terms: which words to watch (from what the
// harness says it can see), and what the recorded writes mean per 64-byte line: the objects
// and fields or buffer elements on it, writes per thread, cross-thread successions, true or
// false sharing, and the fix it implies. Pure: the diagnose stage feeds it records.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/protocol.h"
#include "perf/memory_sampling.h"
#include "util/enum_names.h"

namespace ftbench::analysis {

inline constexpr int64_t kCacheLineBytes = static_cast<int64_t>(perf::kCacheLineBytes);
inline constexpr int64_t kWordBytes = 8;
// A line counts as contended when at least this share of its writes come right after a write
// to it by another thread: each such succession moves the line between cores.
inline constexpr double kContendedShare = 0.05;
// Below this many writes per operation a shared line costs nothing measurable (a reference
// taken once per iteration): reported, never flagged.
inline constexpr double kNegligibleWritesPerOp = 1e-3;

// A word to watch, relative to a candidate so that it can be found again in a later iteration
// or process (addresses change with ASLR and, for scripts, with every run).
struct WordRef {
  std::string key;      // the candidate
  int64_t offset = 0;   // from the candidate's address to the word (aligned in absolute terms)
  std::string reason;   // "written in the probe iteration", "reference count of a mortal object"
};

struct WatchWindow {
  std::vector<WordRef> words;  // at most the debug registers per thread
};

struct WatchPlan {
  std::vector<WatchWindow> windows;
  size_t words_found = 0;    // candidate words before the window cap
  size_t words_dropped = 0;  // beyond the window cap
  std::vector<std::string> notes;
};

struct WatchPlanSettings {
  int slots = 4;          // debug registers per thread
  int max_windows = 16;   // one watched iteration each
};

// Chooses what to arm, cheaply: every buffer word the probe iteration changed (a buffer word
// nobody wrote cannot be shared by writers) and, for objects, the reference-count words that
// threads write (ob_ref_shared and the word holding ob_ref_local / ob_mutex on free-threaded
// builds, ob_refcnt on default builds) unless the object is immortal; named candidates first.
// Words of one line stay in one window where they fit, so their successions are seen together.
WatchPlan plan_watch(const std::vector<harness::WatchCandidate>& candidates,
                     const std::vector<harness::WrittenWords>& written, const WatchPlanSettings& settings = {});

// The absolute (8-aligned) address of a word in the current candidates; nullopt when its
// candidate is not there (a script run that did not create it this time).
std::optional<uint64_t> resolve_word(const WordRef& word, const std::vector<harness::WatchCandidate>& candidates);

// What lies on a 64-byte line, one description per candidate overlapping it:
// "slots (bytearray data) at line bytes 0-63".
std::vector<std::string> candidates_on_line(const std::vector<harness::WatchCandidate>& candidates, uint64_t line);

// A line of one process as the same place in another (tier 2's sampling process and tier 3's
// watched one differ by ASLR and allocation): through the most specific candidate on it (same
// key in both) and the offset there. nullopt when no candidate covers it.
std::optional<uint64_t> translate_line(uint64_t line, const std::vector<harness::WatchCandidate>& from,
                                       const std::vector<harness::WatchCandidate>& to);

// One trapped write.
struct WriteEvent {
  int64_t tid = 0;
  uint64_t time_ns = 0;
  uint64_t address = 0;  // the watched word
};

// What one watched iteration gave.
struct WatchedIteration {
  int window = 0;
  std::vector<harness::WatchCandidate> candidates;  // as they were in that iteration
  std::vector<WordRef> words;                       // armed ...
  std::vector<uint64_t> addresses;                  // ... at these addresses (same order)
  std::vector<WriteEvent> writes;                   // time order
  int64_t ops = 0;                                  // the iteration's operations
  bool budget_reached = false;                      // the trap budget stopped recording early
  double coverage = 1;                              // share of the iteration recorded (1 unless cut)
  uint64_t lost = 0;                                // records the kernel dropped
  uint64_t throttled = 0;                           // times the kernel paused an event
};

enum class SharingVerdict { false_sharing, true_sharing, refcount_contention, not_shared, no_writes };
inline constexpr util::EnumName<SharingVerdict> kSharingVerdictNames[] = {
    {SharingVerdict::false_sharing, "false_sharing"},
    {SharingVerdict::true_sharing, "true_sharing"},
    {SharingVerdict::refcount_contention, "refcount_contention"},
    {SharingVerdict::not_shared, "not_shared"},
    {SharingVerdict::no_writes, "no_writes"}};
constexpr std::span<const util::EnumName<SharingVerdict>> enum_names(SharingVerdict) { return kSharingVerdictNames; }

// Counts of one word of a line.
struct WordWrites {
  int64_t line_offset = 0;               // 0, 8, ..., 56
  std::string name;                      // "slots[1]", "shared.ob_ref_shared", "buf bytes 8-15"
  std::map<std::string, uint64_t> by_thread;  // thread name ("worker 0", "thread 4242") -> writes
  bool refcount = false;                 // an object's reference count other threads write
  bool lock = false;                     // holds an object's ob_mutex (free-threaded builds)
  std::string object;                    // the candidate (key) whose field it is, for objects
};

// Where the hardware sampled the line (tier 2), when it did.
struct LineSamples {
  uint64_t loads = 0;
  uint64_t stores = 0;
  uint64_t local_hitm = 0;
  uint64_t remote_hitm = 0;
  std::map<int64_t, uint64_t> hitm_by_offset;  // byte offset in the line -> HITM samples
};

struct LineFinding {
  uint64_t line_address = 0;
  std::vector<std::string> on_line;  // what lies on the line: "slots bytes 0-63 (bytearray)", "shared (list) header"
  std::vector<WordWrites> words;     // the watched words, by offset
  std::vector<std::string> writers;  // threads that wrote, first-write order
  uint64_t writes = 0;
  uint64_t successions = 0;          // consecutive writes to the line by different threads
  std::optional<double> successions_per_op;
  std::optional<double> writes_per_op;
  bool negligible = false;           // shared, but below kNegligibleWritesPerOp
  double succession_share = 0;       // successions / writes
  bool contended = false;
  bool estimated = false;            // per op extrapolated: the budget cut a window
  int windows = 0;                   // watched in how many windows (successions across windows are not seen)
  SharingVerdict verdict = SharingVerdict::not_shared;
  // The word the verdict is about when one word has several writers (index into words): a
  // reference count first, then a per-object lock, else the first. The presenter words it all
  // (report::describe_line, describe_line_fix).
  std::optional<size_t> subject;
  int64_t spread_bytes = 0;          // from the first to the last written word on the line
  double watched_ops = 0;            // operations the watched iterations of this line covered
  bool immortal = false;             // a named candidate on it is immortal
  bool gil_enabled = false;          // the watched process ran with the GIL
  std::optional<LineSamples> samples;
};

struct SharingReport {
  std::vector<LineFinding> lines;    // suspicious first (shared and contended), then the rest
  uint64_t writes = 0;
  uint64_t lost = 0;
  size_t windows = 0;
  size_t windows_cut = 0;            // stopped by the trap budget
  double coverage = 1;               // mean share of the watched iterations recorded
  uint64_t throttled = 0;
  bool gil_enabled = false;          // the watched process ran with the GIL
  std::vector<std::string> notes;
};

// Thread names: workers by index where the harness said which tid is which, else by tid.
SharingReport analyze_sharing(const std::vector<WatchedIteration>& iterations, const std::vector<int64_t>& worker_tids,
                              bool gil_enabled);

// True when a finding deserves the user's attention: shared by writers, and not negligibly.
bool suspicious(const LineFinding& line);

}  // namespace ftbench::analysis
