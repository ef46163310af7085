#pragma once

#include <string>
#include <vector>

#include "os/files.h"

namespace ftbench::commands {

// Each subcommand takes its own arguments (program name and subcommand word removed) and
// returns the process exit status. UserError escapes to cli::run, which prints it.
using Args = std::vector<std::string>;

int run_command(const Args& args);           // orchestrate [run] --config FILE ...
int script_command(const Args& args);        // orchestrate script PATH [-- ARGS]
int interpreters_command(const Args& args);  // orchestrate interpreters [--json]
int doctor_command(const Args& args);        // orchestrate doctor [--json] [--config F | --cpus L] [--tune | --reset]
int report_command(const Args& args);        // orchestrate report RUN_DIR [--format ...] [--results-root DIR]
int compare_command(const Args& args);       // orchestrate compare RUN_A RUN_B [--markdown|--json]
int nightly_command(const Args& args);       // orchestrate nightly --config FILE ...
int history_command(const Args& args);       // orchestrate history SUBCOMMAND ...
int diagnose_command(const Args& args);      // orchestrate diagnose TARGET [--threads ...] [--json] [-- ARGS]

// Exit statuses, documented in README.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeRunsFailed = 1;  // results written; some processes failed
inline constexpr int kExitUsage = 2;           // bad config, flags or environment
// 3: internal error (cli.cpp)
inline constexpr int kExitRegression = 4;      // nightly: a new confirmed regression
inline constexpr int kExitMachineUnfit = 5;    // nightly: preflight unfit: night stored, excluded
inline constexpr int kExitLockHeld = 6;        // another orchestrate holds the lock: this history (nightly), this run directory
inline constexpr int kExitSharedStore = 7;     // history push / --from: the fleet's store is unreachable or refused
inline constexpr int kExitStorage = os::StorageError::kExitStatus;  // 8: the output cannot be written: full, over quota, read-only, failing
inline constexpr int kExitInterrupted = 130;   // SIGINT/SIGTERM: what finished is saved

}  // namespace ftbench::commands
