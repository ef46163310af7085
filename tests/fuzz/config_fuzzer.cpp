// The YAML config loader (config/config_loader.cpp) on arbitrary text: every outcome is a
// RunConfig or a ConfigError (a UserError naming file:line:col); anything else escaping, or a
// crash, is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto c = ftbench::config::parse_config(text, "fuzz.yaml");
    // Durations become deadlines in milliseconds: every accepted one must be parse_duration's
    // (values.cpp) positive, at most 30 days.
    for (const double seconds : {c.timeout_seconds, c.repetitions.max_seconds})
      if (!(seconds > 0 && seconds <= 30 * 24 * 3600.0)) std::abort();
  } catch (const ftbench::UserError&) {
    // refused with a message: what bad input must get
  }
  return 0;
}
