// YAML -> RunConfig. Strict: unknown keys and wrong types are errors with file:line:col, so
// a typo never silently falls back to a default in a nightly run.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config.h"
#include "config/config_error.h"
#include "util/files.h"

namespace ftbench::config {

std::string SourceLocation::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  SourceLocation at(const YAML::Node& node) const {
    auto m = node.Mark();
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
      auto key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string best;
      size_t best_d = 3;
      for (const auto& k : known) {
        auto d = edit_distance(key, k);
        if (d < best_d) best_d = d, best = k;
      }
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      fail(kv.first, "unknown key '" + key + "' in " + what +
                         (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; known keys: " + list);
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be a single value, not a " + (n.IsSequence() ? "list" : "mapping"));
    return n.Scalar();
  }
  std::string string(const YAML::Node& n, const std::string& what) const { return scalar(n, what); }

  long long integer(const YAML::Node& n, const std::string& what, long long min, long long max) const {
    auto text = scalar(n, what);
    long long v = 0;
    size_t used = 0;
    try {
      v = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty()) fail(n, what + " must be an integer, not '" + text + "'");
    if (v < min || v > max)
      fail(n, what + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " + text);
    return v;
  }

  double number(const YAML::Node& n, const std::string& what, double min, double max) const {
    auto text = scalar(n, what);
    double v = 0;
    size_t used = 0;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty() || !std::isfinite(v)) fail(n, what + " must be a number, not '" + text + "'");
    if (v < min || v > max) fail(n, what + " must be between " + fmt(min) + " and " + fmt(max) + ", not " + text);
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& what) const {
    auto text = scalar(n, what);
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
    fail(n, what + " must be true or false, not '" + text + "'");
  }

  // Seconds, written as a number or with a unit: 90, 90s, 5m, 1h.
  double duration(const YAML::Node& n, const std::string& what) const {
    auto text = scalar(n, what);
    double factor = 1;
    std::string digits = text;
    if (!text.empty() && std::string("smh").find(text.back()) != std::string::npos) {
      factor = text.back() == 's' ? 1 : text.back() == 'm' ? 60 : 3600;
      digits = text.substr(0, text.size() - 1);
    }
    double v = 0;
    size_t used = 0;
    try {
      v = std::stod(digits, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != digits.size() || digits.empty() || !(v > 0))
      fail(n, what + " must be a positive duration like 90, 90s, 5m or 1h, not '" + text + "'");
    return v * factor;
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
    for (const auto& item : list(n, what)) out.push_back(string(item, what + " entry"));
    return out;
  }

  static std::string fmt(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }

  RunConfig parse(const YAML::Node& root);

 private:
  InterpreterSpec interpreter(const YAML::Node& n, size_t index) const;
  void repetitions(const YAML::Node& n, Repetitions& out) const;
  void counters(const YAML::Node& n, Counters& out) const;
  void affinity(const YAML::Node& n, Affinity& out) const;
  void benchmarks(const YAML::Node& n, BenchmarkSelection& out) const;
  void output(const YAML::Node& n, Output& out) const;

  std::string file_;
};


InterpreterSpec Parser::interpreter(const YAML::Node& n, size_t index) const {
  const std::string what = "interpreters[" + std::to_string(index) + "]";
  InterpreterSpec spec;
  spec.where = at(n);
  if (n.IsScalar()) {  // shorthand: a path or a version spec
    try {
      spec = parse_python_argument(n.Scalar());
    } catch (const std::invalid_argument& e) {
      fail(n, e.what());
    }
    spec.where = at(n);
    return spec;
  }
  expect_keys(n, what, {"name", "path", "version", "free_threaded", "source", "env", "baseline", "required"});
  if (n["name"]) spec.name = string(n["name"], what + ".name");
  if (n["path"]) spec.path = string(n["path"], what + ".path");
  if (n["version"]) {
    try {
      spec.query.version = discovery::VersionSpec::parse(string(n["version"], what + ".version"));
    } catch (const std::invalid_argument& e) {
      fail(n["version"], e.what());
    }
  }
  if (n["free_threaded"]) spec.query.free_threaded = boolean(n["free_threaded"], what + ".free_threaded");
  if (n["source"]) {
    auto s = string(n["source"], what + ".source");
    using discovery::Source;
    static const std::map<std::string, Source> sources{{"provisioned", Source::provisioned}, {"pyenv", Source::pyenv},
                                                       {"uv", Source::uv}, {"path", Source::path},
                                                       {"system", Source::system}};
    auto it = sources.find(s);
    if (it == sources.end())
      fail(n["source"], what + ".source must be one of provisioned, pyenv, uv, path, system; not '" + s + "'");
    spec.query.source = it->second;
  }
  if (n["env"]) {
    const auto& env = n["env"];
    if (!env.IsMap()) fail(env, what + ".env must be a mapping of variable: value");
    for (const auto& kv : env) spec.env[string(kv.first, what + ".env key")] = string(kv.second, what + ".env value");
  }
  if (n["baseline"]) spec.baseline = boolean(n["baseline"], what + ".baseline");
  if (n["required"]) spec.required = boolean(n["required"], what + ".required");
  if (spec.path && (spec.query.version || spec.query.free_threaded || spec.query.source))
    fail(n, what + " gives both a path and a discovery query (version/free_threaded/source): use one");
  if (!spec.path && !spec.query.version && !spec.query.free_threaded)
    fail(n, what + " needs a path, or a version and/or free_threaded to discover one");
  return spec;
}

void Parser::repetitions(const YAML::Node& n, Repetitions& out) const {
  expect_keys(n, "repetitions", {"processes", "warmups", "iterations", "target_rel_ci", "max_time"});
  if (n["processes"]) out.processes = static_cast<int>(integer(n["processes"], "repetitions.processes", 1, 10000));
  if (n["warmups"]) out.warmups = static_cast<int>(integer(n["warmups"], "repetitions.warmups", 0, 10000));
  if (n["iterations"]) out.iterations = static_cast<int>(integer(n["iterations"], "repetitions.iterations", 1, 100000));
  if (n["target_rel_ci"]) out.target_rel_ci = number(n["target_rel_ci"], "repetitions.target_rel_ci", 1e-6, 1.0);
  if (n["max_time"]) out.max_seconds = duration(n["max_time"], "repetitions.max_time");
}

void Parser::counters(const YAML::Node& n, Counters& out) const {
  if (n.IsScalar()) {  // shorthand: counters: detailed
    out.profile = n.Scalar();
  } else {
    expect_keys(n, "counters", {"profile", "events"});
    if (n["profile"]) out.profile = string(n["profile"], "counters.profile");
    for (const auto& e : n["events"] ? list(n["events"], "counters.events") : std::vector<YAML::Node>{}) {
      EventSetting ev;
      if (e.IsScalar()) {
        ev.name = e.Scalar();
      } else {
        expect_keys(e, "counters.events entry", {"name", "required"});
        if (!e["name"]) fail(e, "counters.events entry needs a name");
        ev.name = string(e["name"], "counters.events name");
        if (e["required"]) ev.required = boolean(e["required"], "counters.events required");
      }
      out.events.push_back(ev);
    }
  }
  if (out.profile != "none" && out.profile != "basic" && out.profile != "detailed")
    fail(n.IsScalar() ? n : n["profile"], "counters.profile must be none, basic or detailed, not '" + out.profile + "'");
}

void Parser::affinity(const YAML::Node& n, Affinity& out) const {
  if (n.IsScalar()) {
    auto mode = parse_affinity_mode(n.Scalar());
    if (!mode || *mode == Affinity::Mode::list)
      fail(n, "affinity must be auto, none, or a list of CPU numbers, not '" + n.Scalar() + "'");
    out.mode = *mode;
    return;
  }
  out.mode = Affinity::Mode::list;
  for (const auto& c : list(n, "affinity")) out.cpus.push_back(static_cast<int>(integer(c, "affinity CPU", 0, 4095)));
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
  if (n["directory"]) out.directory = string(n["directory"], "output.directory");
  if (n["formats"]) {
    out.formats.clear();
    for (const auto& f : list(n["formats"], "output.formats")) {
      auto s = string(f, "output.formats entry");
      if (std::find(output_formats().begin(), output_formats().end(), s) == output_formats().end())
        fail(f, "unknown output format '" + s + "' (known: json, csv, markdown, html, pyperf)");
      out.formats.push_back(s);
    }
  }
}

RunConfig Parser::parse(const YAML::Node& root) {
  RunConfig c;
  if (root.IsNull()) throw ConfigError({file_, 1, 1}, "the config is empty; it needs at least 'interpreters'");
  expect_keys(root, "the config", {"name", "requires", "interpreters", "benchmarks", "threads", "size", "repetitions",
                                   "counters", "affinity", "timeout", "output", "seed"});
  if (root["name"]) c.name = string(root["name"], "name");
  if (const auto& r = root["requires"]) {
    expect_keys(r, "requires", {"kernel"});
    if (r["kernel"]) c.min_kernel = string(r["kernel"], "requires.kernel");
  }
  if (!root["interpreters"]) throw ConfigError({file_, 1, 1}, "the config needs an 'interpreters' list");
  auto interps = root["interpreters"];
  if (!interps.IsSequence() || interps.size() == 0) fail(interps, "interpreters must be a non-empty list");
  for (size_t i = 0; i < interps.size(); ++i) c.interpreters.push_back(interpreter(interps[i], i));
  if (std::count_if(c.interpreters.begin(), c.interpreters.end(), [](auto& s) { return s.baseline; }) > 1)
    fail(interps, "more than one interpreter is marked baseline: true");
  if (root["benchmarks"]) benchmarks(root["benchmarks"], c.benchmarks);
  if (root["threads"]) {
    c.threads.clear();
    for (const auto& t : list(root["threads"], "threads")) {
      try {
        c.threads.push_back(parse_thread_setting(string(t, "threads entry")));
      } catch (const std::invalid_argument& e) {
        fail(t, e.what());
      }
    }
    if (c.threads.empty()) fail(root["threads"], "threads is empty");
  }
  if (root["size"]) {
    c.size = string(root["size"], "size");
    if (c.size != "default" && c.size != "quick") integer(root["size"], "size (default, quick or a number)", 1, 1LL << 40);
  }
  if (root["repetitions"]) repetitions(root["repetitions"], c.repetitions);
  if (root["counters"]) counters(root["counters"], c.counters);
  if (root["affinity"]) affinity(root["affinity"], c.affinity);
  if (root["timeout"]) c.timeout_seconds = duration(root["timeout"], "timeout");
  if (root["output"]) output(root["output"], c.output);
  if (root["seed"]) c.seed = static_cast<uint64_t>(integer(root["seed"], "seed", 0, (1LL << 53)));
  return c;
}

}  // namespace

std::string to_string(Affinity::Mode mode) {
  switch (mode) {
    case Affinity::Mode::none: return "none";
    case Affinity::Mode::automatic: return "auto";
    case Affinity::Mode::list: return "list";
  }
  return "none";
}

std::optional<Affinity::Mode> parse_affinity_mode(const std::string& text) {
  if (text == "none" || text == "off") return Affinity::Mode::none;
  if (text == "auto") return Affinity::Mode::automatic;
  if (text == "list") return Affinity::Mode::list;
  return std::nullopt;
}

ThreadSetting parse_thread_setting(const std::string& text) {
  if (text == "ncpu") return {true, 0};
  size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || v < 1 || v > 4096)
    throw std::invalid_argument("thread count must be a number from 1 to 4096 or 'ncpu', not '" + text + "'");
  return {false, v};
}

InterpreterSpec parse_python_argument(const std::string& text) {
  InterpreterSpec spec;
  if (text.find('/') != std::string::npos) {
    spec.path = text;
    return spec;
  }
  std::string version = text;
  if (!version.empty() && version.back() == 't') {
    spec.query.free_threaded = true;
    version.pop_back();
  } else {
    spec.query.free_threaded = false;
  }
  spec.query.version = discovery::VersionSpec::parse(version);  // throws invalid_argument
  return spec;
}

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
  return parse_config(util::read_file(file), file.string());
}

void apply_overrides(RunConfig& c, const Overrides& o) {
  if (!o.benchmarks.empty()) {
    c.benchmarks.include = o.benchmarks;
    c.benchmarks.exclude.clear();
    c.benchmarks.tags.clear();
  }
  if (o.profile) {
    if (*o.profile != "none" && *o.profile != "basic" && *o.profile != "detailed")
      throw UserError("--profile must be none, basic or detailed, not '" + *o.profile + "'");
    c.counters.profile = *o.profile;
  }
  if (!o.threads.empty()) {
    c.threads.clear();
    for (const auto& t : o.threads) {
      try {
        c.threads.push_back(parse_thread_setting(t));
      } catch (const std::invalid_argument& e) {
        throw UserError(std::string("--threads: ") + e.what());
      }
    }
  }
  if (!o.pythons.empty()) {
    c.interpreters.clear();
    for (const auto& p : o.pythons) {
      try {
        auto spec = parse_python_argument(p);
        spec.where = {"--python " + p, 0, 0};
        c.interpreters.push_back(spec);
      } catch (const std::invalid_argument& e) {
        throw UserError("--python " + p + ": " + e.what());
      }
    }
  }
  if (o.output) c.output.directory = *o.output;
  if (o.repetitions) {
    if (*o.repetitions < 1) throw UserError("--repetitions must be at least 1");
    c.repetitions.processes = *o.repetitions;
  }
  if (o.size) {
    if (*o.size != "default" && *o.size != "quick" && o.size->find_first_not_of("0123456789") != std::string::npos)
      throw UserError("--size must be default, quick or a number, not '" + *o.size + "'");
    c.size = *o.size;
  }
}

}  // namespace ftbench::config
