#include "plan/resolve.h"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "run/process.h"
#include "util/error.h"
#include "util/json.h"

extern char** environ;

namespace ftbench::plan {

std::vector<ResolvedInterpreter> resolve_interpreters(const config::RunConfig& config,
                                                      const discovery::DiscoveryResult& found) {
  std::vector<ResolvedInterpreter> out;
  std::map<std::string, std::string> label_origin;  // label -> where it was asked for
  for (const auto& spec : config.interpreters) {
    ResolvedInterpreter r;
    if (spec.path) {
      try {
        r.facts = discovery::probe_interpreter(*spec.path, discovery::Source::explicit_path);
      } catch (const UserError& e) {
        throw UserError(spec.where.str() + ": " + e.what());
      }
    } else {
      auto match = discovery::select(found.interpreters, spec.query);
      if (!match) {
        std::string msg = spec.where.str() + ": no interpreter found for " + spec.query.describe() +
                          " (`orchestrate interpreters` lists what was found; scripts/provision-python builds "
                          "a matched 3.13 GIL/free-threaded pair; other versions: pyenv, uv or your distribution)";
        if (spec.required) throw UserError(msg);
        spdlog::warn("{}; skipping it (required: false)", msg);
        continue;
      }
      r.facts = *match;
    }
    r.env = spec.env;
    r.baseline = spec.baseline;
    r.label = spec.name;
    if (r.label.empty()) {
      r.label = r.facts.short_name();
      for (const auto& [k, v] : r.env) r.label += "+" + k + "=" + v;
    }
    if (auto [it, fresh] = label_origin.emplace(r.label, spec.where.str()); !fresh)
      throw UserError(spec.where.str() + ": this interpreter is labelled '" + r.label + "' like the one at " +
                      it->second + " (the same binary twice?); give them distinct 'name:' values");
    out.push_back(std::move(r));
  }
  if (!out.empty() && std::none_of(out.begin(), out.end(), [](auto& r) { return r.baseline; }))
    out.front().baseline = true;  // comparisons need a reference: the first one listed
  return out;
}

std::vector<Benchmark> load_catalog(const discovery::InterpreterFacts& python, const std::filesystem::path& workloads_dir) {
  auto env = child_environment({}, workloads_dir);
  auto run = run::run_and_capture({python.path.string(), "-m", "ftbench", "list", "--json"}, env, std::chrono::seconds(180));
  // Exit status 1 with a listing means some workloads failed to load: they are still listed
  // (below, from "errors") so a run records their failure instead of silently skipping them.
  rapidjson::Document doc;
  doc.Parse(run.out.c_str());
  const rapidjson::Value* list = doc.HasParseError() ? nullptr : util::get_array(doc, "workloads");
  bool exited_normally = !run.timed_out && !run.status.signaled && (run.status.code == 0 || run.status.code == 1);
  if (!list || !exited_normally)
    throw UserError("cannot list the workload suite with " + python.path.string() + " (" +
                    (run.timed_out ? std::string("timed out") : run.status.describe()) + "): " +
                    run.err.substr(0, 300) + " -- is " + workloads_dir.string() + " the workloads/ folder?");
  std::vector<Benchmark> out;
  auto str = [](const rapidjson::Value& v, const char* key) {
    auto it = v.FindMember(key);
    return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
  };
  for (const auto& w : list->GetArray()) {
    if (!w.IsObject()) continue;
    Benchmark b;
    b.id = str(w, "id");
    b.scaling = str(w, "scaling");
    b.op_name = str(w, "op_name");
    b.summary = str(w, "summary");
    if (auto it = w.FindMember("tags"); it != w.MemberEnd() && it->value.IsArray())
      for (const auto& t : it->value.GetArray())
        if (t.IsString()) b.tags.emplace_back(t.GetString());
    if (!b.id.empty()) out.push_back(std::move(b));
  }
  if (auto errors = util::get_array(doc, "errors")) {
    for (const auto& e : errors->GetArray()) {
      Benchmark b;
      b.id = util::get_string(e, "id");
      if (b.id.empty()) continue;
      b.summary = "cannot be loaded: " + util::get_string(e, "message");
      spdlog::warn("workload {} {}; its runs will record the error", b.id, b.summary);
      out.push_back(std::move(b));
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return out;
}

std::vector<Benchmark> select_benchmarks(const std::vector<Benchmark>& catalog, const config::BenchmarkSelection& sel) {
  std::vector<Benchmark> out;
  for (const auto& pattern : sel.include) {
    bool any = std::any_of(catalog.begin(), catalog.end(), [&](auto& b) { return glob_match(pattern, b.id); });
    if (!any)
      throw UserError("benchmark pattern '" + pattern + "' matches no workload (`python -m ftbench list` in workloads/ "
                      "lists them)");
  }
  for (const auto& b : catalog) {
    bool in = std::any_of(sel.include.begin(), sel.include.end(), [&](auto& p) { return glob_match(p, b.id); });
    bool ex = std::any_of(sel.exclude.begin(), sel.exclude.end(), [&](auto& p) { return glob_match(p, b.id); });
    bool tagged = sel.tags.empty() || std::any_of(sel.tags.begin(), sel.tags.end(), [&](auto& t) {
                    return std::find(b.tags.begin(), b.tags.end(), t) != b.tags.end();
                  });
    if (in && !ex && tagged) out.push_back(b);
  }
  if (out.empty()) throw UserError("the benchmark selection (include/exclude/tags) leaves no workload to run");
  return out;
}

std::vector<int> resolve_threads(const std::vector<config::ThreadSetting>& settings, int usable_cpus) {
  std::vector<int> out;
  for (const auto& s : settings) {
    int n = s.ncpu ? std::max(1, usable_cpus) : s.count;
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

std::map<std::string, std::string> child_environment(const std::map<std::string, std::string>& interpreter_env,
                                                     const std::filesystem::path& workloads_dir,
                                                     const std::filesystem::path& pycache_prefix) {
  // Like pyperf's worker environment: enough for locale and temp files, nothing that changes
  // the interpreter's behaviour behind our back.
  static const std::set<std::string> allowed{"PATH", "HOME", "TMPDIR", "TEMP", "TMP", "LANG", "LANGUAGE", "TZ", "USER",
                                             "LOGNAME"};
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    auto name = entry.substr(0, eq);
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

}  // namespace ftbench::plan
