#include "cli/cli.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "commands/commands.h"
#include "util/error.h"
#include "util/strings.h"

namespace ftbench::cli {
namespace {

constexpr const char* kUsage = R"(usage: orchestrate [run] --config FILE [options]   run a benchmark matrix
       orchestrate script PATH [options] [-- ARGS]    benchmark your own script
       orchestrate interpreters [--json]               list the CPython interpreters found here
       orchestrate doctor [--json]                     what this machine can count, and why not
       orchestrate report RUN_DIR [--format F,...]     rewrite a run's reports and dashboard
       orchestrate compare RUN_A RUN_B                 compare two runs (B / A, with significance)
       orchestrate nightly --config FILE [options]     run, store in the history, judge, confirm (cron)
       orchestrate history SUBCOMMAND                  regressions, show, list, ack, annotate, import, prune, html
       orchestrate diagnose TARGET [--threads ...]     where threads share cache lines (a benchmark or a script)
       orchestrate --version

`orchestrate run --help` (or any subcommand with --help) lists its options.
)";

}  // namespace

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) {
      std::fputs(kUsage, stderr);
      return commands::kExitUsage;
    }
    const std::string first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
      std::fputs(kUsage, stdout);
      return commands::kExitOk;
    }
    if (first == "--version") {
      fmt::print("orchestrate {}\n", FTBENCH_VERSION);
      return commands::kExitOk;
    }
    commands::Args rest(args.begin() + 1, args.end());
    if (first == "run") return commands::run_command(rest);
    if (first == "script") return commands::script_command(rest);
    if (first == "interpreters") return commands::interpreters_command(rest);
    if (first == "doctor") return commands::doctor_command(rest);
    if (first == "report") return commands::report_command(rest);
    if (first == "compare") return commands::compare_command(rest);
    if (first == "nightly") return commands::nightly_command(rest);
    if (first == "history") return commands::history_command(rest);
    if (first == "diagnose") return commands::diagnose_command(rest);
    if (!first.empty() && first[0] == '-') return commands::run_command(args);  // `run` is the default
    fmt::print(stderr, "orchestrate: unknown command '{}'\n{}", util::printable(first), kUsage);
    return commands::kExitUsage;
  } catch (const UserError& e) {
    // One line, whatever a config value or a child put into the message.
    fmt::print(stderr, "orchestrate: error: {}\n", util::printable(e.what()));
    return e.exit_status();
  } catch (const boost::program_options::error& e) {
    fmt::print(stderr, "orchestrate: error: {} (see --help)\n", util::printable(e.what()));
    return commands::kExitUsage;
  } catch (const std::exception& e) {
    // Not expected: still one line, never a trace. Exit 3 marks an internal problem.
    fmt::print(stderr, "orchestrate: internal error: {}\n", util::printable(e.what()));
    return 3;
  }
}

}  // namespace ftbench::cli
