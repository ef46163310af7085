#pragma once

namespace ftbench::cli {
// Parses the command line, dispatches to a command, and turns every error into one line on
// stderr plus a non-zero exit status. Never lets an exception escape.
int run(int argc, char** argv);
}  // namespace ftbench::cli
