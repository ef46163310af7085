#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "discovery/python_version.h"

namespace ftbench::discovery {

// Where an interpreter was found; also the preference order when several match a spec
// (a provisioned pair shares source, compiler and flags, which is what fair comparisons need).
enum class Source { provisioned, explicit_path, pyenv, uv, path, system };
std::string to_string(Source);

// What an interpreter says about itself when asked (never what its file name suggests).
struct InterpreterFacts {
  std::filesystem::path path;        // how we call it
  std::filesystem::path executable;  // sys.executable, symlinks resolved: the identity
  Source source = Source::path;
  std::string implementation;        // "cpython"
  PythonVersion version;
  std::string version_text;          // full, e.g. "3.13.0rc1"
  bool free_threaded_build = false;  // sysconfig Py_GIL_DISABLED
  bool gil_enabled = true;           // sys._is_gil_enabled() under a clean environment
  std::string configure_args;        // sysconfig CONFIG_ARGS
  std::string compiler;              // platform.python_compiler()

  // "3.13.5t" for a free-threaded build, "3.13.5" otherwise.
  std::string short_name() const;
};

// Runs `path` with a tiny probe script (isolated mode, clean environment, short timeout).
// Throws UserError naming the path when it does not exist, does not run, or is not CPython.
InterpreterFacts probe_interpreter(const std::filesystem::path& path, Source source);

}  // namespace ftbench::discovery
