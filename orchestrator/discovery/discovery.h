#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "discovery/interpreter.h"

namespace ftbench::discovery {

// The places interpreters are looked for. from_environment() reads PATH, PYENV_ROOT,
// UV_PYTHON_INSTALL_DIR, XDG_DATA_HOME, XDG_CACHE_HOME and HOME; tests build their own.
struct SearchRoots {
  std::vector<std::filesystem::path> path_dirs;     // PATH entries (pyenv shims skipped)
  std::filesystem::path pyenv_versions;             // $PYENV_ROOT/versions
  std::filesystem::path uv_pythons;                 // uv-managed installs
  std::vector<std::filesystem::path> system_dirs;   // /usr/bin, /usr/local/bin (deadsnakes names)
  std::filesystem::path provision_cache;            // scripts/provision-python's install root
  static SearchRoots from_environment();
};

struct Candidate {
  std::filesystem::path path;
  Source source;
};

// File names that look like CPython 3 interpreters: python3, python3.13, python3.13t.
bool looks_like_python3(const std::string& filename);

// Every candidate file, in preference order (by Source, then path); not yet probed.
std::vector<Candidate> find_candidates(const SearchRoots& roots);

struct Rejected {
  std::filesystem::path path;
  std::string reason;
};

struct DiscoveryResult {
  std::vector<Interpreter> interpreters;  // one per distinct executable, preferred first
  std::vector<Rejected> rejected;
};

// Probes every candidate (in parallel) and keeps one entry per distinct executable.
DiscoveryResult discover(const SearchRoots& roots);

// What a config asks for: a version spec and free-threaded yes/no (or either).
struct InterpreterQuery {
  std::optional<VersionSpec> version;
  std::optional<bool> free_threaded;
  std::optional<Source> source;
  std::string describe() const;  // "3.13 free-threaded"
};

// The best match: provisioned builds first (same source and flags on both sides), then the
// newest version. nullopt when nothing matches.
std::optional<Interpreter> select(const std::vector<Interpreter>& found, const InterpreterQuery& query);

}  // namespace ftbench::discovery
