#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "discovery/python_version.h"
#include "util/enum_names.h"
#include "util/json.h"

namespace ftbench::discovery {

// Where an interpreter was found; also the preference order when several match a spec
// (a provisioned pair shares source, compiler and flags, which is what fair comparisons need).
enum class Source { provisioned, explicit_path, pyenv, uv, path, system };
inline constexpr util::EnumName<Source> kSourceNames[] = {
    {Source::provisioned, "provisioned"}, {Source::explicit_path, "explicit"}, {Source::pyenv, "pyenv"},
    {Source::uv, "uv"},                   {Source::path, "path"},              {Source::system, "system"}};
constexpr std::span<const util::EnumName<Source>> enum_names(Source) { return kSourceNames; }

// What an interpreter says about itself when asked (never what its file name suggests): from
// discovery's probe, or from a benchmark process's hello (then `path` and `source` are unset).
struct Interpreter {
  std::filesystem::path path;        // how we call it
  std::filesystem::path executable;  // sys.executable, symlinks resolved: the identity
  std::optional<Source> source;
  std::string implementation;        // "cpython"
  PythonVersion version;
  std::string version_text;          // full, e.g. "3.13.0rc1"
  bool free_threaded_build = false;  // sysconfig Py_GIL_DISABLED
  bool gil_enabled = true;           // sys._is_gil_enabled() (clean environment when probed)
  std::string configure_args;        // sysconfig CONFIG_ARGS
  std::string compiler;              // platform.python_compiler()
  std::string sha256;                // of `executable`, for interpreters a run uses: when it changed
  // From a scripts/provision-python build's <prefix>/ftbench-build.json: the source tree's
  // commit ("<sha>-dirty" when the tree had uncommitted changes, like `git describe --dirty`;
  // empty for tarballs and trees outside git) and when the build finished (ISO 8601 UTC).
  std::string source_commit;
  std::string built_at;

  // "3.13.5t" for a free-threaded build, "3.13.5" otherwise.
  std::string short_name() const;
  // A provisioned build's install directory (<cache>/<install>, holding gil/ and nogil/): the
  // two builds of one matched pair share it. Empty for any other interpreter.
  std::filesystem::path provisioned_install() const;
};

// A source commit as people read it: its first 12 hex digits, "-dirty" kept ("0123456789ab-dirty").
std::string short_commit(const std::string& commit);

// "version" is the full text; path and source are written only when known.
template <class F>
void describe(Interpreter& i, F& f) {
  f.optional("path", i.path);
  f("executable", i.executable);
  f.optional("source", i.source);
  f("implementation", i.implementation);
  f("version", i.version_text);
  f("free_threaded_build", i.free_threaded_build);
  f("gil_enabled", i.gil_enabled);
  f("configure_args", i.configure_args);
  f("compiler", i.compiler);
  f.optional("sha256", i.sha256);
  f.optional("source_commit", i.source_commit);
  f.optional("built_at", i.built_at);
}
// Reads the fields, then derives `version` and accepts "PATH", schema version 1's name for
// Source::path.
void from_json(const json::Value& v, Interpreter& i);

// Reads <prefix>/ftbench-build.json (written by scripts/provision-python) into `source_commit`
// and `built_at`; a missing or unreadable record leaves them empty.
void read_build_record(const std::filesystem::path& record, Interpreter& i);

// Runs `path` with a tiny probe script (isolated mode, clean environment, short timeout).
// Throws UserError naming the path when it does not exist, does not run, or is not CPython.
Interpreter probe_interpreter(const std::filesystem::path& path, Source source);

}  // namespace ftbench::discovery
