#pragma once
// Recording every write to a few words, with the writing thread and time: hardware watchpoints
// (PERF_TYPE_BREAKPOINT, HW_BREAKPOINT_W) sampled at period 1. Tier 3 of `orchestrate
// diagnose` (docs/diagnose.md): works without a PMU, but every trapped write costs about
// 20 us, so a budget caps the traps of one recording.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/enum_names.h"

namespace ftbench::perf {

struct WatchedWord {
  std::uintptr_t address = 0;  // in the watched threads' address space; aligned to `length`
  std::size_t length = 8;      // 1, 2, 4 or 8 bytes
};

struct WriteRecord {  // one trapped write
  std::uint32_t pid = 0, tid = 0;
  std::uint64_t time_ns = 0;  // CLOCK_MONOTONIC (use_clockid), comparable across CPUs
  std::uint64_t address = 0;  // the watched word's address (not the exact byte)
  std::uint64_t ip = 0;       // the instruction after the write (data breakpoints trap after it)
  std::uint32_t cpu = 0;
};

struct Recording {
  std::vector<WriteRecord> records;  // sorted by time_ns
  std::uint64_t lost = 0;            // PERF_RECORD_LOST totals (buffer full)
  std::uint64_t throttled = 0;       // PERF_RECORD_THROTTLE: the kernel paused an event briefly
  bool budget_reached = false;       // the guard disabled the events
  std::uint64_t enabled_ns = 0;      // how long the events were enabled
};

enum class RecorderFailure { no_slots, not_permitted, not_supported, no_such_thread, other };
inline constexpr util::EnumName<RecorderFailure> kRecorderFailureNames[] = {
    {RecorderFailure::no_slots, "no_slots"},
    {RecorderFailure::not_permitted, "not_permitted"},
    {RecorderFailure::not_supported, "not_supported"},
    {RecorderFailure::no_such_thread, "no_such_thread"},
    {RecorderFailure::other, "other"},
};
constexpr std::span<const util::EnumName<RecorderFailure>> enum_names(RecorderFailure) {
  return kRecorderFailureNames;
}

// Why arming failed; what() says what to do about it.
class RecorderError : public std::runtime_error {
 public:
  RecorderError(RecorderFailure kind, pid_t tid, const std::string& message)
      : std::runtime_error(message), kind_(kind), tid_(tid) {}
  [[nodiscard]] RecorderFailure kind() const noexcept { return kind_; }
  [[nodiscard]] pid_t tid() const noexcept { return tid_; }  // the thread concerned; 0 if none

 private:
  RecorderFailure kind_;
  pid_t tid_;
};

// Bytes of one sample record: header 8 + ip 8 + pid/tid 8 + time 8 + addr 8 + cpu/res 8.
inline constexpr std::size_t kWriteSampleBytes = 48;
// The most one CPU's ring buffer may take.
inline constexpr std::size_t kMaxBufferBytesPerCpu = std::size_t{64} << 20;

class WriteRecorder {  // RAII: closes/unmaps everything
 public:
  // One event per (tid, cpu, word), inherit=1 (threads the tids create later are watched too),
  // sample_period=1, exclude_kernel, sample_type TID|TIME|ADDR|IP|CPU, opened disabled; all
  // events on one CPU write into one ring buffer (PERF_EVENT_IOC_SET_OUTPUT) sized for
  // max_records. A guard thread disables every event once max_records samples are in.
  // `cpus`: where the threads may run (the child's allowed CPUs); empty = every online CPU.
  // Throws std::invalid_argument (no tids/words, a bad length or alignment, max_records 0) and
  // RecorderError (the kernel refused; nothing stays armed).
  [[nodiscard]] static WriteRecorder arm(std::span<const pid_t> tids,
                                         std::span<const WatchedWord> words,
                                         std::span<const int> cpus, std::uint64_t max_records);
  WriteRecorder(WriteRecorder&&) noexcept;
  WriteRecorder& operator=(WriteRecorder&&) noexcept;
  ~WriteRecorder();

  // Arms the same words on more tids (a thread that asked to be watched mid-region). All of
  // them or none: on RecorderError the ones opened by this call are closed again. While
  // enabled, the new events start enabled.
  void add_threads(std::span<const pid_t> tids);
  // Starts recording and the guard. Throws std::system_error if an ioctl fails.
  void enable();
  // Disables, drains, merges by time; then releases every event and buffer, so the debug
  // registers are free for the next recording. A second call returns an empty Recording.
  [[nodiscard]] Recording finish();

  [[nodiscard]] std::size_t event_count() const;         // open perf events
  [[nodiscard]] std::size_t buffer_bytes_per_cpu() const;  // data area of each CPU's buffer

 private:
  struct State;
  explicit WriteRecorder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Hardware watchpoints per thread: 4 on x86 (DR0-DR3); the kernel refuses a 5th with ENOSPC.
[[nodiscard]] int debug_registers();

}  // namespace ftbench::perf
