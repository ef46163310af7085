#include "diagnose/diagnosis.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "report/presenter.h"
#include "run/bytecode.h"
#include "util/strings.h"

namespace ftbench::diagnose {
namespace {

using analysis::LineFinding;
using analysis::SharingVerdict;

// The three tiers exist from the first call on, in order, so references to them stay valid.
TierReport& tier(Diagnosis& d, int number) {
  if (d.tiers.empty())
    d.tiers = {TierReport{1, "scaling evidence", TierStatus::skipped, "", 0},
               TierReport{2, "address sampling", TierStatus::skipped, "", 0},
               TierReport{3, "watchpoints", TierStatus::skipped, "", 0}};
  return d.tiers.at(static_cast<size_t>(number - 1));
}

// A tier over several interpreters: done when any finished, else the first reason.
void fold_status(TierReport& t, TierStatus status, const std::string& label, const std::string& message) {
  if (status == TierStatus::done) {
    if (t.status != TierStatus::done) t.message.clear();
    t.status = TierStatus::done;
    if (!message.empty()) t.message += (t.message.empty() ? "" : "; ") + label + ": " + message;
    return;
  }
  if (t.status == TierStatus::done) {
    if (!message.empty()) t.message += (t.message.empty() ? "" : "; ") + label + ": " + message;
    return;
  }
  if (t.status == TierStatus::skipped || status == TierStatus::failed || status == TierStatus::interrupted)
    t.status = status;
  if (!message.empty() && t.message.find(message) == std::string::npos)
    t.message += (t.message.empty() ? "" : "; ") + label + ": " + message;
}

// Tier 2's counts on the lines tier 3 named. The processes differ (ASLR, allocation): a sampled
// line is found again through the candidate on it and its offset there.
void attach_samples(InterpreterDiagnosis& i) {
  for (const auto& sampled : i.sampled_lines) {
    const auto line = analysis::translate_line(sampled.address, i.sampling.candidates, i.watch.candidates);
    if (!line) continue;
    for (auto& finding : i.sharing.lines)
      if (finding.line_address == *line) finding.samples = sampled.samples;
  }
}

std::vector<SampledLine> sampled_lines(const SampleOutcome& s) {
  std::vector<SampledLine> out;
  for (const auto& l : perf::aggregate_lines(s.samples)) {
    SampledLine line;
    line.address = l.line;
    line.samples.loads = l.total.loads;
    line.samples.stores = l.total.stores;
    line.samples.local_hitm = l.total.local_hitm;
    line.samples.remote_hitm = l.total.remote_hitm;
    for (const auto& [offset, counts] : l.by_offset)
      if (counts.hitm() > 0) line.samples.hitm_by_offset[offset] = counts.hitm();
    line.on_line = analysis::candidates_on_line(s.candidates, l.line);
    out.push_back(std::move(line));
  }
  std::stable_sort(out.begin(), out.end(), [](const SampledLine& a, const SampledLine& b) {
    return a.samples.local_hitm + a.samples.remote_hitm > b.samples.local_hitm + b.samples.remote_hitm;
  });
  if (out.size() > 20) out.resize(20);
  return out;
}

}  // namespace

void add_scaling_evidence(Diagnosis& d, const analysis::RunAnalysis& analysis, const std::string& benchmark,
                          double seconds) {
  auto& t = tier(d, 1);
  t.seconds = seconds;
  t.status = TierStatus::done;
  for (const auto& interp : analysis.cells.interpreters) {
    auto it = std::find_if(d.interpreters.begin(), d.interpreters.end(),
                           [&](const auto& x) { return x.label == interp.label(); });
    if (it == d.interpreters.end()) {
      d.interpreters.emplace_back();
      it = std::prev(d.interpreters.end());
      it->label = interp.label();
    }
    it->gil_enabled = interp.gil_enabled;
    it->scaling = analysis::scaling_evidence(analysis, benchmark, interp.label());
    if (it->scaling->cause == analysis::ScalingCause::not_enough_data)
      t.message = "no verdict: it compares 1 thread with more (run with --threads 1 and 2 or more)";
  }
}

void diagnose_processes(Diagnosis& d, const results::Manifest& manifest, const ProcessOptions& options,
                        run::Launcher& launcher, const WordArmer& armer) {
  auto& sampling_tier = tier(d, 2);
  auto& watch_tier = tier(d, 3);
  const auto sampling_plan = perf::plan_memory_sampling();
  d.watched_threads = options.threads;
  d.trap_budget_s = options.watch.trap_budget_s;
  const auto& plan = manifest.plan;
  for (size_t i = 0; i < plan.interpreters.size(); ++i) {
    const auto& interp = plan.interpreters[i];
    auto it = std::find_if(d.interpreters.begin(), d.interpreters.end(),
                           [&](const auto& x) { return x.label == interp.label; });
    if (it == d.interpreters.end()) {
      d.interpreters.emplace_back();
      it = std::prev(d.interpreters.end());
      it->label = interp.label;
    }
    ProcessSpec spec;
    spec.interpreter = interp;
    spec.benchmark = plan.benchmarks.front();
    spec.threads = options.threads;
    spec.size = options.size;
    spec.workloads_dir = options.workloads_dir;
    spec.pycache_dir = run::pycache_dir(d.run_dir / "pycache", plan, i);
    spec.log_dir = d.run_dir / "logs";
    spec.cpus = manifest.affinity.cpus;
    spec.timeout_seconds = plan.timeout_seconds;
    spec.stop_signal = options.stop_signal;
    if (options.stop_signal && options.stop_signal->load() != 0) break;

    if (options.sample) {
      it->sampling = sample_memory(spec, sampling_plan, launcher);
      sampling_tier.seconds += it->sampling.seconds;
      fold_status(sampling_tier, it->sampling.status, interp.label, it->sampling.message);
      if (it->sampling.status == TierStatus::done) it->sampled_lines = sampled_lines(it->sampling);
    }
    if (options.watch_enabled) {
      it->watch = watch_writes(spec, options.watch, launcher, armer);
      watch_tier.seconds += it->watch.seconds;
      fold_status(watch_tier, it->watch.status, interp.label, it->watch.message);
      it->sharing = analysis::analyze_sharing(it->watch.iterations, it->watch.worker_tids, it->watch.gil_enabled);
      attach_samples(*it);
    }
  }
  if (!options.sample) sampling_tier.message = "not asked for";
  if (!options.watch_enabled) watch_tier.message = "not asked for";
}

std::string overall_verdict(const Diagnosis& d) {
  std::vector<const InterpreterDiagnosis*> order;
  for (const auto& i : d.interpreters) order.push_back(&i);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return !a->gil_enabled && b->gil_enabled; });
  std::vector<std::string> parts;
  for (const auto* i : order) {
    const LineFinding* top = nullptr;
    for (const auto& l : i->sharing.lines)
      if (analysis::suspicious(l)) {
        top = &l;
        break;
      }
    if (top)
      parts.push_back(fmt::format("{}: {}", i->label, report::describe_line(*top)));
    else {
      std::string scaling;
      if (i->scaling) {
        const auto verdict = report::describe_scaling_verdict(*i->scaling);
        scaling = verdict.substr(0, verdict.find(" [rests on"));
      }
      // Watched and found nothing: say that first, so a tier-1 suspicion is read as "not in
      // what was watched" rather than as a finding.
      const bool no_points = !i->scaling || i->scaling->points.empty();
      if (no_points && i->watch.status != TierStatus::done && !i->watch.message.empty())
        parts.push_back(fmt::format("{}: no verdict: {}", i->label, i->watch.message));
      else if (i->watch.status == TierStatus::done && !i->watch.iterations.empty())
        parts.push_back(fmt::format("{}: no cache line written by two threads among the {} watched words{}", i->label,
                                    i->watch.plan.words_found - i->watch.plan.words_dropped,
                                    scaling.empty() ? "" : "; scaling: " + scaling));
      else if (!scaling.empty())
        parts.push_back(fmt::format("{}: {}", i->label, scaling));
    }
  }
  if (parts.empty()) return "no verdict: no tier produced results";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " | ") + p;
  return out;
}

// --- JSON ---------------------------------------------------------------------------------

namespace {

void write_interval(json::Writer& w, const analysis::Interval& i) {
  w.start_array();
  w.number(i.low);
  w.number(i.high);
  w.end_array();
}

void write_scaling(json::Writer& w, const analysis::ScalingEvidence& s) {
  w.start_object();
  w.field("cause", s.cause);
  w.field("verdict", report::describe_scaling_verdict(s));
  w.field("evidence", report::describe_scaling_evidence(s));
  w.field("cpu_ratio", s.cpu_ratio);
  w.field("futex_rise", s.futex_rise);
  w.field("missing", s.missing);
  w.field("scaling", s.kind);
  w.key("points");
  w.start_array();
  for (const auto& p : s.points) {
    w.start_object();
    w.field("threads", p.threads);
    w.field("time_per_op_ns", p.time_per_op_ns);
    w.key("time_per_op_ci");
    write_interval(w, p.time_per_op_ci);
    const auto interval = [&](const char* key, const std::optional<analysis::Interval>& ci) {
      w.key(key);
      if (ci)
        write_interval(w, *ci);
      else
        w.null();
    };
    w.field("cpu_per_op_ns", p.cpu_per_op_ns);
    interval("cpu_per_op_ci", p.cpu_per_op_ci);
    w.field("parallelism", p.parallelism);
    w.field("switches_per_op", p.switches_per_op);
    interval("switches_per_op_ci", p.switches_per_op_ci);
    w.field("migrations_per_op", p.migrations_per_op);
    w.field("futex_per_op", p.futex_per_op);
    interval("futex_per_op_ci", p.futex_per_op_ci);
    w.field("hitm_per_op", p.hitm_per_op);
    interval("hitm_per_op_ci", p.hitm_per_op_ci);
    w.field("efficiency", p.efficiency);
    w.key("efficiency_ci");
    if (p.efficiency_ci)
      write_interval(w, *p.efficiency_ci);
    else
      w.null();
    w.field("oversubscribed", p.oversubscribed);
    w.field("suspect", p.suspect);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_samples(json::Writer& w, const analysis::LineSamples& s) {
  w.start_object();
  w.field("loads", s.loads);
  w.field("stores", s.stores);
  w.field("local_hitm", s.local_hitm);
  w.field("remote_hitm", s.remote_hitm);
  w.key("hitm_by_offset");
  w.start_object();
  for (const auto& [offset, n] : s.hitm_by_offset) w.field(std::to_string(offset), n);
  w.end_object();
  w.end_object();
}

void write_line(json::Writer& w, const LineFinding& l) {
  w.start_object();
  w.field("address", util::hex(l.line_address));
  w.field("verdict", l.verdict);
  w.field("suspicious", analysis::suspicious(l));
  w.field("contended", l.contended);
  w.field("summary", report::describe_line(l));
  w.field("fix", report::describe_line_fix(l));
  w.field("writes", l.writes);
  w.field("successions", l.successions);
  w.field("successions_per_op", l.successions_per_op);
  w.field("writes_per_op", l.writes_per_op);
  w.field("negligible", l.negligible);
  w.field("succession_share", l.succession_share);
  w.field("estimated", l.estimated);
  w.field("windows", l.windows);
  w.field("writers", l.writers);
  w.field("on_line", l.on_line);
  w.key("words");
  w.start_array();
  for (const auto& word : l.words) {
    w.start_object();
    w.field("offset", word.line_offset);
    w.field("name", word.name);
    w.field("refcount", word.refcount);
    w.field("by_thread", word.by_thread);
    w.end_object();
  }
  w.end_array();
  w.key("samples");
  if (l.samples)
    write_samples(w, *l.samples);
  else
    w.null();
  w.end_object();
}

void write_watch(json::Writer& w, const InterpreterDiagnosis& i, double budget, int d_threads) {
  const auto& o = i.watch;
  const auto& s = i.sharing;
  w.start_object();
  w.field("status", o.status);
  w.field("message", o.message);
  w.field("seconds", o.seconds);
  w.field("duration", report::format_duration_ns(o.seconds * 1e9));
  w.field("windows", s.windows);
  w.field("windows_cut", s.windows_cut);
  w.field("traps", o.traps);
  w.field("trap_budget_s", budget);
  w.field("max_records_per_window", o.max_records_per_window);
  w.field("candidates", o.candidates.size());
  w.field("words_found", o.plan.words_found);
  w.field("words_dropped", o.plan.words_dropped);
  w.field("lost", s.lost);
  w.field("throttled", s.throttled);
  w.field("coverage", s.coverage);
  w.field("threads", d_threads);
  std::vector<std::string> notes = o.plan.notes;
  notes.insert(notes.end(), s.notes.begin(), s.notes.end());
  w.field("notes", notes);
  w.key("candidate_list");
  w.start_array();
  for (const auto& c : o.candidates) {
    w.start_object();
    w.field("key", c.key);
    w.field("origin", c.origin);
    w.field("kind", c.kind);
    w.field("type", c.type);
    w.field("size", c.size);
    if (c.immortal) w.field("immortal", *c.immortal);
    w.end_object();
  }
  w.end_array();
  w.key("lines");
  w.start_array();
  for (const auto& l : s.lines) write_line(w, l);
  w.end_array();
  w.end_object();
}

}  // namespace

void to_json(json::Writer& w, const Diagnosis& d) {
  w.start_object();
  w.field("schema", std::string(kDiagnosisSchema));
  w.field("target", d.target);
  w.field("kind", d.kind);
  w.field("threads", d.threads);
  w.field("watched_threads", d.watched_threads);
  w.field("verdict", d.verdict);
  w.key("tiers");
  w.start_array();
  for (const auto& t : d.tiers) {
    w.start_object();
    w.field("tier", t.tier);
    w.field("name", t.name);
    w.field("status", t.status);
    w.field("message", t.message);
    w.field("seconds", t.seconds);
    w.field("duration", report::format_duration_ns(t.seconds * 1e9));
    w.end_object();
  }
  w.end_array();
  w.key("interpreters");
  w.start_array();
  for (const auto& i : d.interpreters) {
    w.start_object();
    w.field("label", i.label);
    w.field("gil_enabled", i.gil_enabled);
    w.key("scaling");
    if (i.scaling)
      write_scaling(w, *i.scaling);
    else
      w.null();
    w.key("sampling");
    w.start_object();
    w.field("status", i.sampling.status);
    w.field("message", i.sampling.message);
    w.field("seconds", i.sampling.seconds);
    w.field("duration", report::format_duration_ns(i.sampling.seconds * 1e9));
    w.field("samples", i.sampling.samples.size());
    w.key("lines");
    w.start_array();
    for (const auto& l : i.sampled_lines) {
      w.start_object();
      w.field("address", util::hex(l.address));
      w.field("on_line", l.on_line);
      w.key("samples");
      write_samples(w, l.samples);
      w.end_object();
    }
    w.end_array();
    w.end_object();
    w.key("watch");
    write_watch(w, i, d.trap_budget_s, d.watched_threads);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

std::string diagnosis_json(const Diagnosis& d) {
  json::Writer w;
  to_json(w, d);
  return w.str() + "\n";
}

// --- Text ---------------------------------------------------------------------------------

std::string render_text(const Diagnosis& d) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line(fmt::format("Diagnosis of {} ({} thread{} watched)", d.target, d.watched_threads,
                   d.watched_threads == 1 ? "" : "s"));
  line("Verdict: " + d.verdict);
  line("");
  line("Tiers:");
  for (const auto& t : d.tiers)
    line(fmt::format("  {} {:<18} {:<11} {:>6.1f} s  {}", t.tier, t.name, util::name(t.status), t.seconds, t.message));
  for (const auto& i : d.interpreters) {
    line("");
    line(fmt::format("== {} ({}) ==", i.label, i.gil_enabled ? "GIL on" : "GIL off"));
    if (i.scaling) {
      line("Scaling: " + report::describe_scaling_verdict(*i.scaling));
      for (const auto& e : report::describe_scaling_evidence(*i.scaling)) line("  - " + e);
      for (const auto& m : i.scaling->missing) line("  (not counted: " + m + ")");
      if (!i.scaling->points.empty())
        line(fmt::format("  {:>7}  {:>10}  {:>10}  {:>9}  {:>9}  {:>9}  {:>10}", "threads", "time/op", "CPU/op",
                         "switch/op", "futex/op", "hitm/op", "efficiency"));
      auto duration = [](const std::optional<double>& v) { return v ? report::format_duration_ns(*v) : std::string("-"); };
      auto count = [](const std::optional<double>& v) { return v ? report::format_count(*v) : std::string("-"); };
      for (const auto& p : i.scaling->points)
        line(fmt::format("  {:>7}  {:>10}  {:>10}  {:>9}  {:>9}  {:>9}  {:>10}", p.threads,
                         report::format_duration_ns(p.time_per_op_ns), duration(p.cpu_per_op_ns),
                         count(p.switches_per_op), count(p.futex_per_op), count(p.hitm_per_op),
                         p.efficiency ? report::format_percent(*p.efficiency) : std::string("-")));
    }
    if (i.sampling.status == TierStatus::done) {
      line(fmt::format("Address sampling: {} samples", i.sampling.samples.size()));
      for (const auto& l : i.sampled_lines)
        line(fmt::format("  line {}: {} local + {} remote HITM, {} loads, {} stores  {}", util::hex(l.address),
                         l.samples.local_hitm, l.samples.remote_hitm, l.samples.loads, l.samples.stores,
                         l.on_line.empty() ? std::string("(no candidate on it)") : l.on_line.front()));
    }
    const auto& w = i.watch;
    if (w.status != TierStatus::done) {
      line(fmt::format("Watchpoints: {}{}", util::name(w.status), w.message.empty() ? "" : ": " + w.message));
      continue;
    }
    line(fmt::format("Watchpoints: {} candidates, {} words in {} watched iteration{}, {} traps (budget {} ~ {} "
                     "per window); {} of the watched iterations recorded{}",
                     w.candidates.size(), w.plan.words_found - w.plan.words_dropped, i.sharing.windows,
                     i.sharing.windows == 1 ? "" : "s", w.traps, report::format_duration_ns(d.trap_budget_s * 1e9),
                     w.max_records_per_window, report::format_percent(i.sharing.coverage),
                     i.sharing.windows_cut ? fmt::format(", {} cut by the budget", i.sharing.windows_cut) : ""));
    if (!w.message.empty()) line("  " + w.message);
    for (const auto& n : w.plan.notes) line("  note: " + n);
    for (const auto& n : i.sharing.notes) line("  note: " + n);
    size_t shown = 0;
    for (const auto& l : i.sharing.lines) {
      if (!analysis::suspicious(l) && l.verdict != SharingVerdict::no_writes) continue;
      ++shown;
      line("");
      line(fmt::format("  line {}  [{}]", util::hex(l.line_address), util::name(l.verdict)));
      line("    " + report::describe_line(l));
      for (const auto& o : l.on_line) line("    on the line: " + o);
      for (const auto& word : l.words) {
        std::string writers;
        for (const auto& [t, n] : word.by_thread) writers += fmt::format("{}{} x{}", writers.empty() ? "" : ", ", t, n);
        line(fmt::format("    +{:<2} {:<36} {}", word.line_offset, word.name, writers.empty() ? "no writes" : writers));
      }
      line(fmt::format("    writes {}, cross-thread successions {} ({} of writes{})", l.writes, l.successions,
                       report::format_percent(l.succession_share, 1),
                       l.successions_per_op ? ", " + report::format_count(*l.successions_per_op) + " per op" : ""));
      if (l.samples)
        line(fmt::format("    sampled: {} local + {} remote HITM", l.samples->local_hitm, l.samples->remote_hitm));
      line("    fix: " + report::describe_line_fix(l));
    }
    const auto quiet = i.sharing.lines.size() - shown;
    if (shown == 0) line("  no line that two threads write more than negligibly");
    if (quiet > 0)
      line(fmt::format("  ({} more line{} with one writer or negligible sharing: diagnosis.json lists them)", quiet,
                       quiet == 1 ? "" : "s"));
  }
  return out;
}

}  // namespace ftbench::diagnose
