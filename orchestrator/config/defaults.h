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

// Per-process limits (`limits:`, README): C++ only, the harness never sees them. Generous
// enough for any workload in the suite, small enough that one runaway process cannot take
// the machine or the results disk of a nightly box.
inline constexpr unsigned long long kDefaultMemoryLimitBytes = 4ULL << 30;  // limits.memory: 4G
inline constexpr unsigned long long kDefaultLogLimitBytes = 64ULL << 20;    // limits.log: 64M per stream
inline constexpr unsigned long long kDefaultOpenFilesLimit = 4096;          // limits.open_files

}  // namespace ftbench::config
