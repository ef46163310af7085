#pragma once
// Repetition and timeout defaults. Their one source is workloads/ftbench/defaults.json, which
// the Python harness reads too; CMake passes the values in as FTBENCH_DEFAULT_* definitions.

namespace ftbench::config {

inline constexpr int kDefaultProcesses = FTBENCH_DEFAULT_PROCESSES;
inline constexpr int kDefaultWarmups = FTBENCH_DEFAULT_WARMUPS;
inline constexpr int kDefaultIterations = FTBENCH_DEFAULT_ITERATIONS;
inline constexpr double kDefaultTimeoutSeconds = FTBENCH_DEFAULT_TIMEOUT_S;
inline constexpr double kDefaultMaxSecondsPerBenchmark = FTBENCH_DEFAULT_MAX_TIME_S;
inline constexpr int kDefaultMaxAdaptiveRounds = FTBENCH_DEFAULT_MAX_ADAPTIVE_ROUNDS;

}  // namespace ftbench::config
