#include "plan/builder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "harness/catalog.h"
#include "os/digest.h"
#include "util/error.h"

namespace ftbench::plan {

std::vector<TestedInterpreter> resolve_interpreters(const config::RunConfig& config,
                                                    const discovery::DiscoveryResult& found) {
  std::vector<TestedInterpreter> out;
  std::map<std::string, std::string> label_origin;  // label -> where it was asked for
  for (const auto& spec : config.interpreters) {
    TestedInterpreter r;
    if (spec.path) {
      try {
        r.interpreter = discovery::probe_interpreter(*spec.path, discovery::Source::explicit_path);
      } catch (const UserError& e) {
        throw UserError(spec.where.str() + ": " + e.what());
      }
      const auto& commit = r.interpreter.source_commit;
      r.resolution = discovery::SelectionNote{
          "path " + spec.path->string(),
          r.interpreter.short_name() + " given by path " + spec.path->string() +
              (commit.empty() ? "" : " (built from commit " + discovery::short_commit(commit) + ")"),
          "", ""};
    } else {
      auto selection = discovery::select_interpreter(found.interpreters, spec.query);
      if (!selection.interpreter) {
        // The reason names the query ("no interpreter found for 3.13 free-threaded").
        const std::string msg = spec.where.str() + ": " + selection.note.reason +
                                " (`orchestrate interpreters` lists what was found; scripts/provision-python builds "
                                "a matched GIL/free-threaded pair; other versions: pyenv, uv or your distribution)";
        if (spec.required) throw UserError(msg);
        spdlog::warn("{}; skipping it (required: false)", msg);
        continue;
      }
      r.interpreter = std::move(*selection.interpreter);
      r.resolution = std::move(selection.note);
    }
    r.env = spec.env;
    // A default build chosen to stand in for a version without one may be an interpreter the
    // config already has (the baseline): measuring the same binary twice would compare it with
    // itself. The earlier entry takes the stand-in role instead.
    if (r.resolution && !r.resolution->stand_in_for.empty())
      if (auto same = std::find_if(out.begin(), out.end(), [&](const TestedInterpreter& o) {
            return o.interpreter.executable == r.interpreter.executable && o.env == r.env;
          });
          same != out.end()) {
        spdlog::warn("{}: {} is already measured as '{}'; it stands in for {} there", spec.where.str(),
                     r.interpreter.short_name(), same->label, r.resolution->stand_in_for);
        if (!same->resolution) same->resolution = r.resolution;
        else same->resolution->stand_in_for = r.resolution->stand_in_for;
        continue;
      }
    r.baseline = spec.baseline;
    r.label = config::expand_name(spec.name, r.interpreter);
    if (r.label.empty()) {
      r.label = r.interpreter.short_name();
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

std::vector<harness::Benchmark> select_benchmarks(const std::vector<harness::Benchmark>& catalog,
                                                  const config::BenchmarkSelection& sel) {
  for (const auto& pattern : sel.include) {
    const bool any = std::any_of(catalog.begin(), catalog.end(), [&](auto& b) { return glob_match(pattern, b.id); });
    if (!any)
      throw UserError("benchmark pattern '" + pattern +
                      "' matches no workload (`python -m ftbench list` in workloads/ lists them)");
  }
  std::vector<harness::Benchmark> out;
  for (const auto& b : catalog) {
    const bool in = std::any_of(sel.include.begin(), sel.include.end(), [&](auto& p) { return glob_match(p, b.id); });
    const bool ex = std::any_of(sel.exclude.begin(), sel.exclude.end(), [&](auto& p) { return glob_match(p, b.id); });
    const bool tagged = sel.tags.empty() || std::any_of(sel.tags.begin(), sel.tags.end(), [&](auto& t) {
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
    const int n = s.ncpu ? std::max(1, usable_cpus) : s.count;
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

std::vector<perf::EventRequest> resolve_events(const config::Counters& counters) {
  auto out = perf::profile_events(counters.profile);
  for (const auto& e : counters.events) {
    auto it = std::find_if(out.begin(), out.end(), [&](auto& o) { return o.name == e.name; });
    if (it != out.end()) it->required = e.required;
    else out.push_back(e);
  }
  return out;
}

Plan make_plan(const config::RunConfig& config, std::vector<TestedInterpreter> interpreters,
               std::vector<harness::Benchmark> benchmarks, int usable_cpus,
               const std::filesystem::path& workloads_dir) {
  Plan p;
  p.interpreters = std::move(interpreters);
  p.benchmarks = std::move(benchmarks);
  for (auto& i : p.interpreters)
    if (i.interpreter.sha256.empty()) i.interpreter.sha256 = os::sha256_file(i.interpreter.executable).value_or("");
  for (auto& b : p.benchmarks)
    if (b.code_hash.empty()) b.code_hash = harness::code_hash(b, workloads_dir);
  p.threads = resolve_threads(config.threads, usable_cpus);
  p.seed = config.seed ? *config.seed : std::random_device{}();
  p.repetitions = config.repetitions;
  p.size = config.size;
  p.events = resolve_events(config.counters);
  p.timeout_seconds = config.timeout_seconds;
  p.limits = config.limits;
  p.items = interleave(p.interpreters.size(), p.benchmarks.size(), p.threads, config.repetitions.processes, p.seed,
                       config.repetitions.order);
  return p;
}

}  // namespace ftbench::plan
