#pragma once

#include "config/config.h"
#include "util/error.h"

namespace ftbench::config {

// A config mistake, always prefixed with where it is: "configs/x.yaml:12:5: ...".
class ConfigError : public UserError {
 public:
  ConfigError(const SourceLocation& where, const std::string& message)
      : UserError(where.str() + ": " + message) {}
};

}  // namespace ftbench::config
