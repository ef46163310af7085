#pragma once
// A named buffer candidate as the harness describes one in --diagnose mode (the tests' "slots").
#include <string>

#include "harness/protocol.h"

namespace ftbench::diagnose::test {

inline harness::WatchCandidate named_buffer(int64_t address, int64_t size, int64_t itemsize, std::string key = "slots") {
  harness::WatchCandidate c;
  c.key = std::move(key);
  c.origin = harness::CandidateOrigin::named;
  c.kind = harness::CandidateKind::buffer;
  c.type = "bytearray";
  c.address = address;
  c.size = size;
  c.itemsize = itemsize;
  return c;
}

}  // namespace ftbench::diagnose::test
