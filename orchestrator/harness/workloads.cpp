#include "harness/workloads.h"

#include <cstdlib>
#include <set>

#include "util/error.h"
#include "build_paths.h"  // generated: FTBENCH_SOURCE_DIR and friends

extern char** environ;

namespace ftbench::harness {

std::map<std::string, std::string> child_environment(const std::map<std::string, std::string>& interpreter_env,
                                                     const std::filesystem::path& workloads_dir,
                                                     const std::filesystem::path& pycache_prefix) {
  // Like pyperf's worker environment: enough for locale and temp files, nothing that changes
  // the interpreter's behaviour behind our back.
  static const std::set<std::string> allowed{"PATH", "HOME", "TMPDIR", "TEMP", "TMP", "LANG", "LANGUAGE", "TZ", "USER",
                                             "LOGNAME"};
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const auto name = entry.substr(0, eq);
    if (allowed.count(name) || name.rfind("LC_", 0) == 0) env[name] = entry.substr(eq + 1);
  }
  if (!env.count("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["PYTHONPATH"] = workloads_dir.string();
  env["PYTHONDONTWRITEBYTECODE"] = "1";  // keep the source tree clean across interpreters
  if (!pycache_prefix.empty()) env["PYTHONPYCACHEPREFIX"] = pycache_prefix.string();
  for (const auto& [k, v] : interpreter_env) env[k] = v;
  return env;
}

std::filesystem::path workloads_directory(const std::filesystem::path& override_dir) {
  std::filesystem::path dir = override_dir;
  if (dir.empty()) {
    const char* from_env = std::getenv("FTBENCH_WORKLOADS_DIR");
    dir = from_env && *from_env ? std::filesystem::path(from_env) : std::filesystem::path(FTBENCH_DEFAULT_WORKLOADS_DIR);
  }
  std::error_code ec;
  if (!std::filesystem::exists(dir / "ftbench" / "__main__.py", ec))
    throw UserError("the workloads folder " + dir.string() +
                    " has no ftbench harness (ftbench/__main__.py); pass --workloads-dir or set FTBENCH_WORKLOADS_DIR");
  return std::filesystem::absolute(dir);
}

}  // namespace ftbench::harness
