#pragma once

#include <string>

namespace ftbench::os {

std::string utc_now_iso8601();  // "2026-11-28T16:45:12Z"
std::string utc_now_compact();   // "20261128-164512": sortable, for directory names
std::string iso8601_days_ago(long long days);  // the UTC time `days` days ago, as utc_now_iso8601()

}  // namespace ftbench::os
