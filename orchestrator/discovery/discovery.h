#pragma once

#include <filesystem>
#include <optional>
#include <span>
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

// The first CPython release with a free-threaded build (PEP 703): 3.13.
inline constexpr PythonVersion kFirstFreeThreaded{3, 13, 0};

// How a query's version is chosen: by a spec ("3.13", ">=3.10,<3.13"), or relative to what
// was found. newest_free_threaded: the newest version that has a free-threaded build (its
// free-threaded build, or with free_threaded = false the default build of that same version);
// before_free_threading: the newest CPython older than 3.13 (GIL only).
enum class VersionRule { spec, newest_free_threaded, before_free_threading };
inline constexpr util::EnumName<VersionRule> kVersionRuleNames[] = {
    {VersionRule::spec, "spec"},
    {VersionRule::newest_free_threaded, "newest-free-threaded"},
    {VersionRule::before_free_threading, "before-free-threading"}};
constexpr std::span<const util::EnumName<VersionRule>> enum_names(VersionRule) { return kVersionRuleNames; }

// What a config asks for: a version spec or rule, and free-threaded yes/no (or either).
struct InterpreterQuery {
  VersionRule rule = VersionRule::spec;
  std::optional<VersionSpec> version;  // for VersionRule::spec
  std::optional<bool> free_threaded;
  std::optional<Source> source;
  std::string describe() const;  // "3.13 free-threaded", "the newest free-threaded CPython"
};

// The best match for a version spec: provisioned builds first (same source and flags on both
// sides), then the newest version, then the most recent build. nullopt when nothing matches.
std::optional<Interpreter> select(const std::vector<Interpreter>& found, const InterpreterQuery& query);

// How a query was answered, for the log before a run and the run's manifest (so reports and
// the history know why an interpreter was measured).
struct SelectionNote {
  std::string query;         // the query, described
  std::string reason;        // which interpreter and why
  std::string warning;       // set when the answer is a compromise the user should know about
  std::string stand_in_for;  // "3.15": a default build of another version standing in for
                             // that free-threaded version's missing default build
};
template <class F>
void describe(SelectionNote& n, F& f) {
  f("query", n.query);
  f("reason", n.reason);
  f.optional("warning", n.warning);
  f.optional("stand_in_for", n.stand_in_for);
}

struct Selection {
  std::optional<Interpreter> interpreter;  // nullopt: nothing matches (note.reason says what was missing)
  SelectionNote note;
};

// Answers any query (rules included). For newest_free_threaded: the newest major.minor with a
// free-threaded build; within it a build with a provisioned partner first, then provisioned,
// then the newest release and build. Its default build: the provisioned partner (same source
// and flags), else the same release, else the same major.minor; when that version has no
// default build at all, the nearest version's (older first on a tie), with a warning and
// `stand_in_for` set.
Selection select_interpreter(const std::vector<Interpreter>& found, const InterpreterQuery& query);

}  // namespace ftbench::discovery
