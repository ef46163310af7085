// The YAML config loader (config/config_loader.cpp) on arbitrary text: every outcome is a
// RunConfig or a ConfigError (a UserError naming file:line:col); anything else escaping, or a
// crash, is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)ftbench::config::parse_config(text, "fuzz.yaml");
  } catch (const ftbench::UserError&) {
    // refused with a message: what bad input must get
  }
  return 0;
}
