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
  // An error that ends the program with its own documented status (README "Exit statuses").
  UserError(const std::string& what, int exit_status) : std::runtime_error(what), exit_status_(exit_status) {}
  int exit_status() const { return exit_status_; }

 private:
  int exit_status_ = 2;  // bad config, flags or environment
};

}  // namespace ftbench
