#pragma once

#include <stdexcept>
#include <string>

namespace ftbench {

// An error meant for the person running the tool: one line that says what went wrong and,
// where we know, what to do about it. cli::run prints what() and exits non-zero; nothing
// below main ever prints a stack trace.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ftbench
