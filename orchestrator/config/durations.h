#pragma once
// The longest duration a config may give (timeout, max_time) and a manifest may carry: any
// longer one is a typo or damage ("1e300" once overflowed the deadline arithmetic: undefined
// behaviour, in practice every process timed out at once).

namespace ftbench::config {

inline constexpr double kMaxDurationSeconds = 30 * 24 * 3600.0;  // 30 days

}  // namespace ftbench::config
