// YAML -> RunConfig. Strict: unknown keys and wrong types are errors with file:line:col, so
// a typo never silently falls back to a default in a nightly run. Values go through the
// parsers in values.cpp, which the command-line overrides use too.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "config/config.h"
#include "config/config_error.h"
#include "os/files.h"
#include "util/postgres_url.h"
#include "util/strings.h"

namespace ftbench::config {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  RunConfig parse(const YAML::Node& root) const;

 private:
  SourceLocation at(const YAML::Node& node) const {
    const auto m = node.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw ConfigError(at(node), message);
  }

  // Checks a mapping's keys against the known ones; suggests the closest on a typo.
  void expect_keys(const YAML::Node& map, const std::string& what, const std::vector<std::string>& known) const {
    if (!map.IsMap()) fail(map, what + " must be a mapping (key: value)");
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string best;
      size_t best_d = 3;
      for (const auto& k : known)
        if (const auto d = edit_distance(key, k); d < best_d) best_d = d, best = k;
      fail(kv.first, "unknown key '" + key + "' in " + what +
                         (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; known keys: " + util::join(known));
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be a single value, not a " + (n.IsSequence() ? "list" : "mapping"));
    return n.Scalar();
  }

  // Runs a shared value parser on a scalar; its error gets the node's position.
  template <class F>
  auto checked(const YAML::Node& n, const std::string& prefix, F&& parse) const {
    try {
      return parse(scalar(n, prefix.empty() ? "value" : prefix));
    } catch (const std::invalid_argument& e) {
      fail(n, prefix.empty() ? e.what() : prefix + " " + e.what());
    }
  }

  long long integer(const YAML::Node& n, const IntSetting& setting) const {
    return checked(n, "", [&](const std::string& text) { return parse_int(text, setting); });
  }

  bool boolean(const YAML::Node& n, const std::string& what) const {
    const auto text = scalar(n, what);
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
    fail(n, what + " must be true or false, not '" + text + "'");
  }

  // A list, or a single scalar taken as a one-element list.
  std::vector<YAML::Node> list(const YAML::Node& n, const std::string& what) const {
    std::vector<YAML::Node> out;
    if (n.IsSequence()) {
      for (const auto& item : n) out.push_back(item);
    } else if (n.IsScalar()) {
      out.push_back(n);
    } else if (!n.IsNull()) {
      fail(n, what + " must be a list");
    }
    return out;
  }

  std::vector<std::string> strings(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> out;
    for (const auto& item : list(n, what)) out.push_back(scalar(item, what + " entry"));
    return out;
  }

  InterpreterSpec interpreter(const YAML::Node& n, size_t index) const;
  void repetitions(const YAML::Node& n, Repetitions& out) const;
  void counters(const YAML::Node& n, Counters& out) const;
  void affinity(const YAML::Node& n, Affinity& out) const;
  void benchmarks(const YAML::Node& n, BenchmarkSelection& out) const;
  void output(const YAML::Node& n, Output& out) const;
  void history(const YAML::Node& n, History& out) const;
  void limits(const YAML::Node& n, Limits& out) const;

  std::string file_;
};

InterpreterSpec Parser::interpreter(const YAML::Node& n, size_t index) const {
  const std::string what = "interpreters[" + std::to_string(index) + "]";
  if (n.IsScalar()) {  // shorthand: a path or a version spec
    auto spec = checked(n, "", [](const std::string& text) { return parse_python_argument(text); });
    spec.where = at(n);
    return spec;
  }
  InterpreterSpec spec;
  spec.where = at(n);
  expect_keys(n, what, {"name", "path", "version", "free_threaded", "source", "env", "baseline", "required"});
  if (n["name"]) spec.name = checked(n["name"], "", [](const std::string& t) { return parse_interpreter_name(t); });
  if (n["path"]) spec.path = parse_path(scalar(n["path"], what + ".path"));
  if (n["version"])
    checked(n["version"], "", [&](const std::string& t) { parse_version_query(t, spec.query); return 0; });
  if (n["free_threaded"]) spec.query.free_threaded = boolean(n["free_threaded"], what + ".free_threaded");
  if (n["source"]) {
    const auto s = scalar(n["source"], what + ".source");
    const auto source = util::parse<discovery::Source>(s);
    if (!source || *source == discovery::Source::explicit_path)
      fail(n["source"], what + ".source must be one of provisioned, pyenv, uv, path, system; not '" + s + "'");
    spec.query.source = *source;
  }
  if (n["env"]) {
    const auto& env = n["env"];
    if (!env.IsMap()) fail(env, what + ".env must be a mapping of variable: value");
    for (const auto& kv : env) spec.env[scalar(kv.first, what + ".env key")] = scalar(kv.second, what + ".env value");
  }
  if (n["baseline"]) spec.baseline = boolean(n["baseline"], what + ".baseline");
  if (n["required"]) spec.required = boolean(n["required"], what + ".required");
  if (spec.path && (n["version"] || spec.query.free_threaded || spec.query.source))
    fail(n, what + " gives both a path and a discovery query (version/free_threaded/source): use one");
  using discovery::VersionRule;
  if (spec.query.rule == VersionRule::newest_free_threaded && !spec.query.free_threaded)
    fail(n["version"], what + ": version: newest-free-threaded needs free_threaded: true (its free-threaded build) or "
                              "false (the default build of the same version)");
  if (spec.query.rule == VersionRule::before_free_threading) {
    if (spec.query.free_threaded.value_or(false))
      fail(n["free_threaded"],
           what + ": no free-threaded build exists before 3.13; drop free_threaded or set it to false");
    spec.query.free_threaded = false;
  }
  if (!spec.path && !spec.query.version && !spec.query.free_threaded)
    fail(n, what + " needs a path, or a version and/or free_threaded to discover one");
  return spec;
}

void Parser::repetitions(const YAML::Node& n, Repetitions& out) const {
  expect_keys(n, "repetitions", {"processes", "warmups", "iterations", "target_rel_ci", "max_time", "order"});
  if (n["processes"]) out.processes = static_cast<int>(integer(n["processes"], kProcesses));
  if (n["warmups"]) out.warmups = static_cast<int>(integer(n["warmups"], kWarmups));
  if (n["iterations"]) out.iterations = static_cast<int>(integer(n["iterations"], kIterations));
  if (n["target_rel_ci"])
    out.target_rel_ci = checked(n["target_rel_ci"], "", [](const std::string& t) {
      return parse_number(t, "repetitions.target_rel_ci", 1e-6, 1.0);
    });
  if (n["order"]) {
    const auto text = scalar(n["order"], "repetitions.order");
    const auto order = util::parse<Order>(text);
    if (!order) fail(n["order"], "repetitions.order must be " + util::choices<Order>() + ", not '" + text + "'");
    out.order = *order;
  }
  if (n["max_time"])
    out.max_seconds = checked(n["max_time"], "repetitions.max_time", [](const std::string& t) { return parse_duration(t); });
}

void Parser::counters(const YAML::Node& n, Counters& out) const {
  auto profile = [&](const YAML::Node& node) {
    return checked(node, "", [](const std::string& t) { return parse_profile(t); });
  };
  if (n.IsScalar()) {  // shorthand: counters: detailed
    out.profile = profile(n);
    return;
  }
  expect_keys(n, "counters", {"profile", "events"});
  if (n["profile"]) out.profile = profile(n["profile"]);
  for (const auto& e : n["events"] ? list(n["events"], "counters.events") : std::vector<YAML::Node>{}) {
    perf::EventRequest ev;
    if (e.IsScalar()) {
      ev.name = e.Scalar();
    } else {
      expect_keys(e, "counters.events entry", {"name", "required"});
      if (!e["name"]) fail(e, "counters.events entry needs a name");
      ev.name = scalar(e["name"], "counters.events name");
      if (e["required"]) ev.required = boolean(e["required"], "counters.events required");
    }
    out.events.push_back(ev);
  }
}

void Parser::affinity(const YAML::Node& n, Affinity& out) const {
  if (n.IsScalar()) {
    out.mode = checked(n, "", [](const std::string& t) { return parse_affinity_mode(t); });
    return;
  }
  out.mode = Affinity::Mode::list;
  for (const auto& c : list(n, "affinity"))
    out.cpus.push_back(static_cast<int>(integer(c, {"affinity CPU", 0, 4095})));
  if (out.cpus.empty()) fail(n, "affinity list is empty");
}

void Parser::benchmarks(const YAML::Node& n, BenchmarkSelection& out) const {
  if (n.IsSequence() || n.IsScalar()) {
    out.include = strings(n, "benchmarks");
    return;
  }
  expect_keys(n, "benchmarks", {"include", "exclude", "tags"});
  if (n["include"]) out.include = strings(n["include"], "benchmarks.include");
  if (n["exclude"]) out.exclude = strings(n["exclude"], "benchmarks.exclude");
  if (n["tags"]) out.tags = strings(n["tags"], "benchmarks.tags");
}

void Parser::output(const YAML::Node& n, Output& out) const {
  expect_keys(n, "output", {"directory", "formats"});
  if (n["directory"]) out.directory = scalar(n["directory"], "output.directory");
  if (n["formats"]) {
    out.formats.clear();
    for (const auto& f : list(n["formats"], "output.formats")) {
      const auto format = checked(f, "", [](const std::string& t) { return parse_output_format(t); });
      if (std::find(out.formats.begin(), out.formats.end(), format) == out.formats.end()) out.formats.push_back(format);
    }
  }
}

void Parser::history(const YAML::Node& n, History& out) const {
  expect_keys(n, "history", {"enabled", "path", "url", "fdr", "min_effect", "noise_multiplier", "confirm_budget", "max_load",
                             "max_noise", "drift_threshold"});
  auto fraction = [&](const char* key, double min, double max) {
    return checked(n[key], "", [&](const std::string& t) { return parse_number(t, (std::string("history.") + key).c_str(), min, max); });
  };
  if (n["enabled"]) out.enabled = boolean(n["enabled"], "history.enabled");
  if (n["path"]) out.path = scalar(n["path"], "history.path");
  if (n["url"]) {
    out.url = scalar(n["url"], "history.url");
    if (const auto problem = util::postgres_url_problem(*out.url))
      throw ConfigError(at(n["url"]), "history.url: " + *problem);
  }
  if (n["fdr"]) out.fdr = fraction("fdr", 1e-6, 0.5);
  if (n["min_effect"]) out.min_effect = fraction("min_effect", 0.0, 10.0);
  if (n["noise_multiplier"]) out.noise_multiplier = fraction("noise_multiplier", 0.0, 100.0);
  if (n["confirm_budget"]) out.confirm_budget = fraction("confirm_budget", 0.0, 10.0);
  if (n["max_load"]) out.max_load = fraction("max_load", 0.0, 1000.0);
  if (n["max_noise"]) out.max_noise = fraction("max_noise", 0.0, 100.0);
  if (n["drift_threshold"]) out.drift_threshold = fraction("drift_threshold", 0.0, 10.0);
}

void Parser::limits(const YAML::Node& n, Limits& out) const {
  const std::vector<std::string> known(std::begin(kLimitKeys), std::end(kLimitKeys));
  expect_keys(n, "limits", known);
  for (const auto& key : known)
    if (n[key]) checked(n[key], "", [&](const std::string& t) { parse_limit(key, t, out); return 0; });
}

RunConfig Parser::parse(const YAML::Node& root) const {
  RunConfig c;
  if (root.IsNull()) throw ConfigError({file_, 1, 1}, "the config is empty; it needs at least 'interpreters'");
  expect_keys(root, "the config", {"name", "requires", "interpreters", "benchmarks", "threads", "size", "repetitions",
                                   "counters", "affinity", "timeout", "limits", "output", "history", "seed"});
  if (root["name"]) c.name = scalar(root["name"], "name");
  if (const auto& r = root["requires"]) {
    expect_keys(r, "requires", {"kernel"});
    if (r["kernel"]) c.min_kernel = scalar(r["kernel"], "requires.kernel");
    if (c.min_kernel && (c.min_kernel->empty() || c.min_kernel->find_first_not_of("0123456789.") != std::string::npos))
      fail(r["kernel"], "requires.kernel must be a version like 5.10, not '" + *c.min_kernel + "'");
  }
  if (!root["interpreters"]) throw ConfigError({file_, 1, 1}, "the config needs an 'interpreters' list");
  const auto interps = root["interpreters"];
  if (!interps.IsSequence() || interps.size() == 0) fail(interps, "interpreters must be a non-empty list");
  for (size_t i = 0; i < interps.size(); ++i) c.interpreters.push_back(interpreter(interps[i], i));
  if (std::count_if(c.interpreters.begin(), c.interpreters.end(), [](auto& s) { return s.baseline; }) > 1)
    fail(interps, "more than one interpreter is marked baseline: true");
  if (root["benchmarks"]) benchmarks(root["benchmarks"], c.benchmarks);
  if (root["threads"]) {
    c.threads.clear();
    for (const auto& t : list(root["threads"], "threads"))
      c.threads.push_back(checked(t, "", [](const std::string& text) { return parse_thread_setting(text); }));
    if (c.threads.empty()) fail(root["threads"], "threads is empty");
  }
  if (root["size"]) c.size = checked(root["size"], "", [](const std::string& t) { return parse_size(t); });
  if (root["repetitions"]) repetitions(root["repetitions"], c.repetitions);
  if (root["counters"]) counters(root["counters"], c.counters);
  if (root["affinity"]) affinity(root["affinity"], c.affinity);
  if (root["timeout"]) c.timeout_seconds = checked(root["timeout"], "timeout", [](const std::string& t) { return parse_duration(t); });
  if (root["limits"]) limits(root["limits"], c.limits);
  if (root["output"]) output(root["output"], c.output);
  if (root["history"]) history(root["history"], c.history);
  if (root["seed"]) c.seed = static_cast<uint64_t>(integer(root["seed"], {"seed", 0, 1LL << 53}));
  return c;
}

}  // namespace

RunConfig parse_config(const std::string& yaml_text, const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError({file_name, e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  try {
    auto c = Parser(file_name).parse(root);
    c.source_file = file_name;
    return c;
  } catch (const YAML::Exception& e) {
    throw ConfigError({file_name, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
}

RunConfig load_config(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    throw UserError(file.string() + ": config file not found (see configs/ for examples)");
  return parse_config(os::read_file(file), file.string());
}

}  // namespace ftbench::config
