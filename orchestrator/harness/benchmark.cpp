#include "harness/benchmark.h"

namespace ftbench::harness {
bool Expectation::applies(bool free_threaded_gil_off, int thread_count) const {
  const bool build_ok = build == BuildKind::any || (build == BuildKind::free_threaded) == free_threaded_gil_off;
  const bool threads_ok = threads == ThreadCondition::any || (threads == ThreadCondition::one) == (thread_count == 1);
  return build_ok && threads_ok;
}

std::string Benchmark::group() const {
  if (kind == Kind::script || id.rfind("script:", 0) == 0) return "script";
  const auto slash = id.find('/');
  return slash == std::string::npos ? id : id.substr(0, slash);
}

}  // namespace ftbench::harness
