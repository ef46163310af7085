#include "perf/write_recorder.h"

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "os/files.h"
#include "perf/perf_event.h"
#include "perf/sample_session.h"
#include "util/strings.h"

namespace ftbench::perf {
namespace {

constexpr std::uint64_t kSampleType =
    PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_CPU;

void validate(const WatchedWord& word) {
  const std::size_t len = word.length;
  if (len != 1 && len != 2 && len != 4 && len != 8) {
    throw std::invalid_argument("a watched word is 1, 2, 4 or 8 bytes long, not " + std::to_string(len));
  }
  if (word.address == 0 || word.address % len != 0) {
    throw std::invalid_argument("a watched word's address must be non-zero and aligned to its length (" +
                                util::hex(word.address) + " is not aligned to " + std::to_string(len) + " bytes)");
  }
}

perf_event_attr breakpoint_attr(const WatchedWord& word) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.bp_type = HW_BREAKPOINT_W;  // x86 cannot watch reads alone; writes are what we need
  attr.bp_addr = word.address;
  attr.bp_len = word.length;
  attr.sample_period = 1;  // every write is a record
  attr.sample_type = kSampleType;
  attr.disabled = 1;
  attr.inherit = 1;  // threads created after arming are watched too
  // User-space writes are the subject; kernel copies into the buffer would need a lower
  // perf_event_paranoid for nothing.
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  // Nobody polls the buffers (finish drains them), so wake no one.
  attr.wakeup_events = 1U << 30;
  attr.use_clockid = 1;
  attr.clockid = CLOCK_MONOTONIC;  // comparable across CPUs and with the harness' clocks
  return attr;
}

RecorderError open_failure(const SampleSession::Opened& opened, const perf_event_attr& attr,
                           pid_t tid, int cpu, std::size_t words, std::size_t buffer_bytes) {
  const std::string thread = "thread " + std::to_string(tid);
  const int error = opened.error;
  if (opened.mapping) {
    const std::string what = "cannot map a " + std::to_string(buffer_bytes >> 10) +
                             " KiB perf ring buffer for CPU " + std::to_string(cpu) + " (" +
                             std::strerror(error) + ")";
    if (error == EPERM) {
      return RecorderError(RecorderFailure::not_permitted, tid,
                           what + ": more than kernel.perf_event_mlock_kb (" +
                               os::read_first_line("/proc/sys/kernel/perf_event_mlock_kb").value_or("unknown") +
                               ") allows: raise it (sysctl -w kernel.perf_event_mlock_kb=...) or "
                               "RLIMIT_MEMLOCK, grant CAP_IPC_LOCK, or record fewer writes");
    }
    return RecorderError(RecorderFailure::other, tid, what);
  }
  const auto diagnosis = sys::diagnose_open_error(error, attr, tid);
  switch (error) {
    case ENOSPC:
      return RecorderError(RecorderFailure::no_slots, tid,
                           "cannot watch " + std::to_string(words) + " word(s) on " + thread +
                               ": all " + std::to_string(debug_registers()) +
                               " debug registers of " + thread +
                               " are in use (a debugger or another watcher holds some) (ENOSPC)");
    case EACCES:
    case EPERM:
      return RecorderError(RecorderFailure::not_permitted, tid,
                           "cannot watch " + thread + ": " + diagnosis.message);
    case ESRCH:
      return RecorderError(RecorderFailure::no_such_thread, tid,
                           thread + " does not exist (ESRCH): it exited before its writes could "
                                    "be watched");
    case ENODEV:
      // perf_event_open says ENODEV for a CPU that is offline or does not exist.
      return RecorderError(RecorderFailure::other, tid,
                           "cannot open a watchpoint on CPU " + std::to_string(cpu) +
                               " (ENODEV): the CPU is offline or does not exist; pass the online "
                               "CPUs the threads may run on");
    case ENOENT:
    case EOPNOTSUPP:
      return RecorderError(RecorderFailure::not_supported, tid,
                           "hardware watchpoints are not available here: " + diagnosis.message);
    default:
      return RecorderError(RecorderFailure::other, tid,
                           "cannot watch " + util::hex(attr.bp_addr) + "/" + std::to_string(attr.bp_len) +
                               " on " + thread + ", CPU " + std::to_string(cpu) + ": " +
                               diagnosis.message);
  }
}


}  // namespace

struct WriteRecorder::State {
  State(std::vector<WatchedWord> watched, std::vector<int> cpus, std::uint64_t budget)
      : words(std::move(watched)),
        max_records(budget),
        session(std::move(cpus), RingBuffer::pages_for_records(budget, kWriteSampleBytes, kMaxBufferBytesPerCpu)) {}

  // Opens every (cpu, word) event of `tid`; throws RecorderError on the first refusal.
  void arm_thread(pid_t tid) {
    for (std::size_t cpu_index = 0; cpu_index < session.cpus().size(); ++cpu_index) {
      for (const auto& word : words) {
        const perf_event_attr attr = breakpoint_attr(word);
        const auto opened = session.open(attr, tid, cpu_index, -1, true);
        if (opened.error != 0) {
          throw open_failure(opened, attr, tid, session.cpus()[cpu_index], words.size(),
                             session.buffer_bytes());
        }
      }
    }
  }

  std::vector<WatchedWord> words;
  std::uint64_t max_records;
  SampleSession session;
};

WriteRecorder::WriteRecorder(std::unique_ptr<State> state) : state_(std::move(state)) {}
WriteRecorder::WriteRecorder(WriteRecorder&&) noexcept = default;
WriteRecorder& WriteRecorder::operator=(WriteRecorder&&) noexcept = default;
WriteRecorder::~WriteRecorder() = default;

WriteRecorder WriteRecorder::arm(std::span<const pid_t> tids, std::span<const WatchedWord> words,
                                 std::span<const int> cpus, std::uint64_t max_records) {
  if (tids.empty()) throw std::invalid_argument("no thread to watch");
  if (words.empty()) throw std::invalid_argument("no word to watch");
  if (max_records == 0) throw std::invalid_argument("max_records must be at least 1");
  for (const auto& word : words) validate(word);
  // Checked before the kernel says ENOSPC, with the advice that fits this cause.
  if (words.size() > static_cast<std::size_t>(debug_registers())) {
    throw RecorderError(RecorderFailure::no_slots, tids.front(),
                        std::to_string(words.size()) + " words requested, but a thread has only " +
                            std::to_string(debug_registers()) +
                            " debug registers: watch at most that many words at once");
  }
  std::vector<int> cpu_list(cpus.begin(), cpus.end());
  if (cpu_list.empty()) cpu_list = online_cpus();
  auto state = std::make_unique<State>(std::vector<WatchedWord>(words.begin(), words.end()),
                                       std::move(cpu_list), max_records);
  for (const pid_t tid : tids) state->arm_thread(tid);  // a throw closes everything opened
  return WriteRecorder(std::move(state));
}

void WriteRecorder::add_threads(std::span<const pid_t> tids) {
  if (!state_) throw std::logic_error("WriteRecorder used after move");
  const std::size_t checkpoint = state_->session.checkpoint();
  try {
    for (const pid_t tid : tids) state_->arm_thread(tid);
  } catch (...) {
    state_->session.rollback(checkpoint);
    throw;
  }
}

void WriteRecorder::enable() {
  if (!state_) throw std::logic_error("WriteRecorder used after move");
  state_->session.enable(state_->max_records * kWriteSampleBytes);
}

Recording WriteRecorder::finish() {
  Recording recording;
  if (!state_) return recording;
  auto result = state_->session.finish();
  recording.lost = result.lost;
  recording.throttled = result.throttled;
  recording.budget_reached = result.budget_reached;
  recording.enabled_ns = result.enabled_ns;
  recording.records.reserve(result.samples.size());
  constexpr std::size_t kPayload = kWriteSampleBytes - sizeof(perf_event_header);
  for (const auto& sample : result.samples) {
    if (sample.payload.size() < kPayload) continue;  // not ours: every event has this layout
    const std::byte* cursor = sample.payload.data();
    WriteRecord record;
    record.ip = take<std::uint64_t>(cursor);
    record.pid = take<std::uint32_t>(cursor);
    record.tid = take<std::uint32_t>(cursor);
    record.time_ns = take<std::uint64_t>(cursor);
    record.address = take<std::uint64_t>(cursor);
    record.cpu = take<std::uint32_t>(cursor);
    recording.records.push_back(record);
  }
  std::stable_sort(recording.records.begin(), recording.records.end(),
                   [](const WriteRecord& a, const WriteRecord& b) { return a.time_ns < b.time_ns; });
  return recording;
}

std::size_t WriteRecorder::event_count() const { return state_ ? state_->session.event_count() : 0; }

std::size_t WriteRecorder::buffer_bytes_per_cpu() const {
  return state_ ? state_->session.buffer_bytes() : 0;
}

int debug_registers() {
  // x86: DR0-DR3. Most arm64 cores have at least four watchpoint registers; where there are
  // fewer, the kernel's ENOSPC says so when the fifth is armed.
  return 4;
}

}  // namespace ftbench::perf
