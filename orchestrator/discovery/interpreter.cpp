#include "discovery/interpreter.h"

#include <unistd.h>

#include <cctype>
#include <map>

#include "os/files.h"
#include "os/process.h"
#include "util/error.h"
#include "util/strings.h"

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

}  // namespace

std::string short_commit(const std::string& commit) {
  return commit.substr(0, 12) + (commit.size() > 12 && commit.ends_with("-dirty") ? "-dirty" : "");
}

std::string Interpreter::short_name() const { return version_text + (free_threaded_build ? "t" : ""); }

std::filesystem::path Interpreter::provisioned_install() const {
  if (source != Source::provisioned) return {};
  // <install>/{gil,nogil}/bin/python3.X
  const auto prefix = executable.parent_path().parent_path();
  if (prefix.filename() != "gil" && prefix.filename() != "nogil") return {};
  return prefix.parent_path();
}

void read_build_record(const std::filesystem::path& record, Interpreter& i) {
  std::error_code ec;
  if (!std::filesystem::exists(record, ec)) return;
  const auto doc = json::parse(os::read_file(record));
  if (!doc || !doc->IsObject()) return;
  std::string commit;
  bool dirty = false;
  json::get(*doc, "commit", commit);
  json::get(*doc, "dirty", dirty);
  i.source_commit = commit.empty() ? commit : commit + (dirty ? "-dirty" : "");
  json::get(*doc, "built_at", i.built_at);
}

void from_json(const json::Value& v, Interpreter& i) {
  json::read_fields(v, i);
  if (std::string source; !i.source && json::get(v, "source", source)) {
    for (auto& c : source) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    i.source = util::parse<Source>(source);
  }
  i.version = PythonVersion::parse(i.version_text).value_or(PythonVersion{});
}

Interpreter probe_interpreter(const std::filesystem::path& path, Source source) {
  const std::string where = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw UserError("interpreter " + where + " does not exist");
  if (std::filesystem::is_directory(path, ec) || ::access(path.c_str(), X_OK) != 0)
    throw UserError("interpreter " + where + " is not an executable file");

  // A clean environment: PYTHON_GIL or PYTHONPATH from the caller must not colour the facts.
  const std::map<std::string, std::string> env{{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C.UTF-8"}};
  os::CapturedRun run;
  try {
    run = os::run_and_capture({where, "-I", "-c", kProbe}, env, std::chrono::seconds(60));
  } catch (const UserError& e) {
    throw UserError("interpreter " + where + " cannot be started: " + e.what());
  }
  if (run.timed_out) throw UserError("interpreter " + where + " did not answer the probe within 60 s");
  auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
  if (!run.status.success())
    throw UserError("interpreter " + where + " is not a usable CPython 3 (probe failed with " +
                    run.status.describe() + (run.err.empty() ? "" : ": " + first_line(run.err)) + ")");

  const auto doc = json::parse(run.out);
  if (!doc || !doc->IsObject() || !json::member(*doc, "implementation") || !json::member(*doc, "version"))
    throw UserError("interpreter " + where + " is not a CPython 3 (unexpected probe output: " + first_line(run.out) + ")");
  Interpreter facts;
  from_json(*doc, facts);
  facts.path = path;
  facts.source = source;
  if (facts.implementation != "cpython")
    throw UserError("interpreter " + where + " is " + facts.implementation + ", not CPython");
  if (!PythonVersion::parse(facts.version_text))
    throw UserError("interpreter " + where + " reports an unreadable version '" + facts.version_text + "'");
  // The probe's "version" is numeric; keep the full text (rc tags) when it gave one.
  if (std::string text; json::get(*doc, "version_text", text) && !text.empty()) facts.version_text = text;
  const auto exe = facts.executable.empty() ? path : facts.executable;
  facts.executable = std::filesystem::weakly_canonical(exe, ec);
  if (ec) facts.executable = exe;
  // A build by scripts/provision-python says where it came from (<prefix>/ftbench-build.json).
  read_build_record(facts.executable.parent_path().parent_path() / "ftbench-build.json", facts);
  return facts;
}

}  // namespace ftbench::discovery
