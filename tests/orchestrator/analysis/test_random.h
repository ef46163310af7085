#pragma once
// Deterministic random numbers for statistical tests: std::mt19937_64's output is fixed by
// the standard, but std::*_distribution are not, so the transforms are written out here and
// every simulated test gives the same answer on every standard library.

#include <cmath>
#include <cstdint>
#include <random>

namespace ftbench::testing {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // Uniform in (0, 1): 53 random bits, never exactly 0.
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }
  // Standard normal by Box-Muller (one value per call; simplicity over speed).
  double normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  double exponential(double rate = 1.0) { return -std::log(uniform()) / rate; }
  // exp(N(log(median), sigma)): a right-skewed timing-like distribution with that median.
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace ftbench::testing
