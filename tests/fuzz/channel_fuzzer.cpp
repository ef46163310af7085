// The orchestrator's side of the harness channel (workloads/PROTOCOL.md): the bytes a child
// writes to its event pipe, through the real transport (run/channel.h: line assembly, the
// length bound, unterminated lines) and the real message parser (harness/protocol.h). Every
// line either parses or gets a problem text; a parsed message renders and parses back as the
// same type (what the orchestrator logs and what a replay reads).
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "harness/protocol.h"
#include "run/channel.h"

namespace {

template <class Parsed, class Reparse>
void check_round_trip(const Parsed& parsed, Reparse reparse) {
  if (!parsed.message) {
    if (parsed.problem.empty()) std::abort();  // a refusal must say why
    return;
  }
  const auto again = reparse(ftbench::harness::render(*parsed.message));
  if (!again.message || ftbench::harness::type_name(*again.message) != ftbench::harness::type_name(*parsed.message))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ftbench;
  // A pipe holds 64 KiB: larger inputs would block this single-threaded writer. The line
  // bound itself (4 MiB) is a plain size check, tested in tests/orchestrator/run.
  if (size > 60000) return 0;
  auto [channel, child] = run::Channel::create();
  const char* bytes = reinterpret_cast<const char*>(data);
  if (size > 0 && ::write(child.event_write.get(), bytes, size) != static_cast<ssize_t>(size)) std::abort();
  child.event_write = os::FileDescriptor();  // the child is gone: what it wrote is all there is
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    const auto in = channel.receive(deadline);
    if (in.status != run::Channel::Status::line) break;
    // Both directions use the same envelope; the orchestrator reads child messages, the
    // harness tests read commands.
    check_round_trip(harness::parse_child_message(in.line), [](const std::string& l) { return harness::parse_child_message(l); });
    check_round_trip(harness::parse_command(in.line), [](const std::string& l) { return harness::parse_command(l); });
  }
  return 0;
}
