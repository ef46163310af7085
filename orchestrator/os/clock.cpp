#include "os/clock.h"

#include <fmt/chrono.h>

#include <ctime>

namespace ftbench::os {
namespace {

std::tm utc_now(long long seconds_ago = 0) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(seconds_ago);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string utc_now_iso8601() { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc_now()); }
std::string utc_now_compact() { return fmt::format("{:%Y%m%d-%H%M%S}", utc_now()); }
std::string iso8601_days_ago(long long days) { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc_now(days * 86400)); }

}  // namespace ftbench::os
