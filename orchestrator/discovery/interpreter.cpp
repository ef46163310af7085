#include "discovery/interpreter.h"

#include <rapidjson/document.h>
#include <unistd.h>

#include "run/process.h"
#include "util/error.h"

namespace ftbench::discovery {
namespace {

// Must run on any CPython 3.x (3.6 included): no f-strings with '=', no walrus.
constexpr const char* kProbe = R"PY(
import json, platform, sys, sysconfig
v = sys.version_info
print(json.dumps({
    "implementation": sys.implementation.name,
    "version": "%d.%d.%d" % (v[0], v[1], v[2]),
    "version_text": platform.python_version(),
    "executable": sys.executable,
    "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "gil_enabled": sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True,
    "configure_args": sysconfig.get_config_var("CONFIG_ARGS") or "",
    "compiler": platform.python_compiler(),
}))
)PY";

std::string first_line(const std::string& s) {
  auto end = s.find('\n');
  return s.substr(0, end);
}

}  // namespace

std::string to_string(Source s) {
  switch (s) {
    case Source::provisioned: return "provisioned";
    case Source::explicit_path: return "explicit";
    case Source::pyenv: return "pyenv";
    case Source::uv: return "uv";
    case Source::path: return "PATH";
    case Source::system: return "system";
  }
  return "unknown";
}

std::string InterpreterFacts::short_name() const { return version_text + (free_threaded_build ? "t" : ""); }

InterpreterFacts probe_interpreter(const std::filesystem::path& path, Source source) {
  const std::string where = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw UserError("interpreter " + where + " does not exist");
  if (std::filesystem::is_directory(path, ec) || ::access(path.c_str(), X_OK) != 0)
    throw UserError("interpreter " + where + " is not an executable file");

  // A clean environment: PYTHON_GIL or PYTHONPATH from the caller must not colour the facts.
  std::map<std::string, std::string> env{{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C.UTF-8"}};
  run::CapturedRun run;
  try {
    run = run::run_and_capture({where, "-I", "-c", kProbe}, env, std::chrono::seconds(60));
  } catch (const UserError& e) {
    throw UserError("interpreter " + where + " cannot be started: " + e.what());
  }
  if (run.timed_out) throw UserError("interpreter " + where + " did not answer the probe within 60 s");
  if (!run.status.success())
    throw UserError("interpreter " + where + " is not a usable CPython 3 (probe failed with " +
                    run.status.describe() + (run.err.empty() ? "" : ": " + first_line(run.err)) + ")");

  rapidjson::Document doc;
  doc.Parse(run.out.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("implementation") || !doc.HasMember("version"))
    throw UserError("interpreter " + where + " is not a CPython 3 (unexpected probe output: " + first_line(run.out) + ")");

  InterpreterFacts facts;
  facts.path = path;
  facts.source = source;
  auto str = [&](const char* key) -> std::string {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  auto boolean = [&](const char* key, bool fallback) {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsBool() ? it->value.GetBool() : fallback;
  };
  facts.implementation = str("implementation");
  if (facts.implementation != "cpython")
    throw UserError("interpreter " + where + " is " + facts.implementation + ", not CPython");
  auto version = PythonVersion::parse(str("version"));
  if (!version) throw UserError("interpreter " + where + " reports an unreadable version '" + str("version") + "'");
  facts.version = *version;
  facts.version_text = str("version_text").empty() ? version->str() : str("version_text");
  auto exe = str("executable");
  facts.executable = std::filesystem::weakly_canonical(exe.empty() ? path : std::filesystem::path(exe), ec);
  if (ec) facts.executable = exe.empty() ? path : std::filesystem::path(exe);
  facts.free_threaded_build = boolean("free_threaded_build", false);
  facts.gil_enabled = boolean("gil_enabled", true);
  facts.configure_args = str("configure_args");
  facts.compiler = str("compiler");
  return facts;
}

}  // namespace ftbench::discovery
