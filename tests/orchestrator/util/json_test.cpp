#include "util/json.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace ftbench;

namespace {

double round_trip(double v) {
  json::Writer w;
  w.start_array();
  w.number(v);
  w.end_array();
  const auto doc = json::parse(w.str());
  EXPECT_TRUE(doc.has_value()) << w.str();
  return (*doc)[0].GetDouble();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

// results.json is rewritten from parsed files (`report`, `--resume`) beside the manifest it
// must equal: a double that did not read back exactly made them differ in the last digit
// (found by e2e.CrashTrials: cpu_self_s 0.33000000000000004 became ...002).
TEST(Json, EveryFiniteDoubleReadsBackBitForBit) {
  for (double v : {0.1 + 0.2, 0.33000000000000004, 6.270225000000001, 5e-324, 2.2250738585072014e-308,
                   1.7976931348623157e308, -0.0, 123456789.123456789})
    EXPECT_TRUE(same_bits(round_trip(v), v)) << v;
  std::mt19937_64 bits(12345);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t b = bits();
    double v;
    std::memcpy(&v, &b, sizeof v);
    if (!std::isfinite(v)) continue;
    ASSERT_TRUE(same_bits(round_trip(v), v)) << v;
  }
}
