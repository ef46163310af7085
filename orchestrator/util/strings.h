#pragma once

#include <string>
#include <vector>

namespace ftbench::util {

// Command-line lists may be given as separate words or comma-joined ("1,2,4"), or both.
// Empty items are dropped.
inline std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      if (comma > start) out.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace ftbench::util
