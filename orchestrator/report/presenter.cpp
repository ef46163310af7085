#include "report/presenter.h"

#include <fmt/format.h>

#include <cmath>

namespace ftbench::report {

std::string format_duration_ns(double ns) {
  struct Unit {
    double scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "us"}, {1, "ns"}};
  const double a = std::fabs(ns);
  Unit unit = kUnits[3];
  for (const auto& u : kUnits)
    if (a >= u.scale) {
      unit = u;
      break;
    }
  const double v = ns / unit.scale;
  const double av = std::fabs(v);
  const int decimals = av >= 100 ? 0 : av >= 10 ? 1 : 2;
  return fmt::format("{:.{}f} {}", v, decimals, unit.name);
}

std::string format_count(double value) {
  const double a = std::fabs(value);
  if (a == 0) return "0";
  if (a >= 1e5 || a < 1e-3) return fmt::format("{:.3g}", value);
  if (a >= 100) return fmt::format("{:.0f}", value);
  if (a >= 10) return fmt::format("{:.1f}", value);
  if (a >= 1) return fmt::format("{:.2f}", value);
  return fmt::format("{:.3g}", value);
}

std::string format_quantity(double value, analysis::Quantity quantity) {
  return quantity == analysis::Quantity::count ? format_count(value) : format_duration_ns(value);
}

std::string format_ratio(double ratio, int decimals) { return fmt::format("{:.{}f}x", ratio, decimals); }

std::string format_percent(double fraction, int decimals) { return fmt::format("{:.{}f}%", fraction * 100.0, decimals); }

std::string format_interval(const analysis::Interval& ci, int decimals) {
  return fmt::format("[{:.{}f}, {:.{}f}]", ci.low, decimals, ci.high, decimals);
}

std::string format_p_value(double p) {
  if (p < 0.001) return "p<0.001";
  // Near the 5 % line three decimals would print 0.050 for a p that is just not significant.
  return fmt::format("p={:.{}f}", p, p >= 0.045 && p < 0.055 ? 4 : 3);
}

namespace {

// A ratio as a factor >= 1 and its direction.
std::string ratio_words(double ratio) {
  const std::string slower = format_ratio(ratio);
  if (slower == format_ratio(1.0)) return slower;
  return ratio > 1 ? slower + " slower" : format_ratio(1.0 / ratio) + " faster";
}

}  // namespace

std::string describe_time_ratio(const analysis::RatioEstimate& r) {
  if (!r.valid) return "n/a";
  if (r.insufficient) return ratio_words(r.ratio) + " (" + std::string(kInsufficient) + ")";
  return ratio_words(r.ratio) + (r.significant ? "" : " (" + std::string(kNotSignificant) + ")");
}

std::string describe_verdict(const analysis::RatioEstimate& r) {
  if (!r.valid) return "n/a";
  if (r.insufficient) return std::string(kInsufficient);
  return r.significant ? "significant" : "not significant (" + std::string(kNotSignificant) + ")";
}

std::string describe_agreement(analysis::Agreement a, std::optional<harness::ExpectedRatio> expected) {
  const std::string what = expected ? std::string(util::name(*expected)) : "";
  switch (a) {
    case analysis::Agreement::agrees: return "agrees (expected " + what + ")";
    case analysis::Agreement::contradicts: return "CONTRADICTS expected " + what;
    case analysis::Agreement::inconclusive: return "inconclusive (expected " + what + ")";
    case analysis::Agreement::no_expectation: return "-";
  }
  return "-";
}

std::string describe_flags(const std::vector<std::string>& flags_differ) {
  if (flags_differ.empty()) return "";
  std::string out = std::string(kFlagsDiffer) + ":";
  for (const auto& f : flags_differ) out += " " + f;
  return out;
}

std::string describe_time_ratio_interval(const analysis::RatioEstimate& r) {
  if (!r.valid) return "-";
  const bool faster = r.ratio < 1 && ratio_words(r.ratio).ends_with("faster");
  std::string text = faster ? format_interval({1.0 / r.ci.high, 1.0 / r.ci.low, r.ci.confidence})
                            : format_interval(r.ci);
  // Too few values for a 95 % interval: say what it is instead.
  if (r.ci.confidence < analysis::kConfidence - 1e-9) text += " (" + format_percent(r.ci.confidence) + ")";
  return text;
}

std::string describe_speedup(const analysis::ScalingPoint& p) {
  const std::string verdict =
      p.insufficient ? ", " + std::string(kInsufficient) : p.significant ? "" : ", " + std::string(kNotSignificant);
  std::string out = format_ratio(p.speedup) + " (" + format_percent(p.efficiency) + verdict + ")";
  if (p.oversubscribed) out += " ^";
  if (p.suspect) out += " suspect";
  return out;
}

std::string describe_geomean(double geomean) { return ratio_words(geomean); }

std::string describe_warning(const analysis::InstabilityWarning& w, analysis::Quantity quantity) {
  using analysis::Instability;
  const auto q = [&](double v) { return format_quantity(v, quantity); };
  switch (w.kind) {
    case Instability::high_stdev:
      return "stdev " + q(w.value) + " is " + format_percent(w.value / w.reference) + " of the mean " + q(w.reference);
    case Instability::extreme_value: {
      const double rel = (w.value - w.reference) / w.reference;
      return std::string(rel > 0 ? "maximum " : "minimum ") + q(w.value) + " is " + format_percent(std::fabs(rel)) +
             (rel > 0 ? " greater" : " smaller") + " than the mean " + q(w.reference);
    }
    case Instability::too_short:
      return "shortest value " + q(w.value) + " < 1 ms: timer and scheduler noise dominate";
    case Instability::single_process:
      return "1 process: process-to-process variation (ASLR, hash seed) is not sampled";
    case Instability::too_few_processes:
      return fmt::format("{:.0f} processes; about {:.0f} needed for 95% certainty of < 1% variation of the mean",
                         w.value, w.reference);
    case Instability::too_few_values:
      return fmt::format(
          "{:.0f} independent values (processes; iterations when there is one): the median's interval has only {} "
          "confidence (6 or more give 95%)",
          w.value, format_percent(w.reference));
  }
  return std::string(util::name(w.kind));
}

namespace {

// A CV as people read it: one decimal below 10 %.
std::string format_cv(double cv) { return format_percent(cv, cv < 0.1 ? 1 : 0); }

// Events per iteration: "60", "2", "79.4", "9378".
std::string format_events(double n) { return n >= 100 ? fmt::format("{:.0f}", n) : fmt::format("{:.3g}", n); }

}  // namespace

std::string describe_noise_floor(const analysis::NoiseFloor& noise) {
  if (!noise.measured)
    return "Noise floor: not measured: every cell ran one process, and process-to-process noise needs two or more "
           "(`--repetitions 6` or more)";
  std::string out = "Noise floor: a process's median varies " + format_cv(noise.floor_cv) + " from process to process";
  std::string own;
  for (const auto& i : noise.interpreters)
    if (!i.pooled) own += (own.empty() ? "" : ", ") + i.interpreter + " " + format_cv(i.floor_cv);
  if (noise.interpreters.size() > 1 && !own.empty()) out += " (" + own + ")";
  out += fmt::format("; at {} process{} per side ", noise.processes, noise.processes == 1 ? "" : "es");
  // Rounded up: 1.0523 reads "1.06x", so "1.05x" is never claimed where it needs more processes.
  if (noise.min_detectable_ratio)
    out += "this run resolves differences of " + format_ratio(std::ceil(*noise.min_detectable_ratio * 100 - 1e-9) / 100) +
           " or more (" +
           format_percent(analysis::kNoisePower) + " power, " + format_percent(analysis::kAlpha) + " level)";
  else
    out += "no difference can be significant (4 are the fewest)";
  if (noise.processes_to_resolve)
    out += fmt::format("; about {} per side would resolve {}", *noise.processes_to_resolve,
                       format_ratio(analysis::kResolveTarget));
  else if (!noise.min_detectable_ratio || *noise.min_detectable_ratio > analysis::kResolveTarget)
    out += "; more than 1000 per side would be needed to resolve " + format_ratio(analysis::kResolveTarget);
  return out;
}

std::string describe_noise_cause(const analysis::NoiseCauseFound& c) {
  using analysis::NoiseCause;
  switch (c.kind) {
    case NoiseCause::outlying_process:
      return fmt::format("process {} ran {} {} than the others", c.process,
                         format_ratio(c.value >= 1 ? c.value : 1.0 / c.value), c.value >= 1 ? "slower" : "faster");
    case NoiseCause::bimodal:
      return fmt::format("bimodal: {} of {} processes ran {} slower than the rest", c.count, c.of, format_ratio(c.value));
    case NoiseCause::outliers:
      return fmt::format("{} of {} iterations are outliers (modified z > 3.5)", c.count, c.of);
    case NoiseCause::few_processes:
      return fmt::format("only {} processes: one odd process moves the spread a lot", c.count);
    case NoiseCause::cpu_migrations:
      return fmt::format("the slowest process, {}, moved between CPUs {} times per iteration, the others {}", c.process,
                         format_events(c.value), format_events(c.reference));
    case NoiseCause::context_switches:
      return fmt::format("the slowest process, {}, was switched out {} times per iteration, the others {}", c.process,
                         format_events(c.value), format_events(c.reference));
  }
  return std::string(util::name(c.kind));
}

std::string describe_cell_noise(const analysis::CellNoise& cell) {
  if (!cell.flagged)
    return "process-to-process CV " + format_cv(cell.between_cv) + " (floor " + format_cv(cell.floor_cv) + ")";
  std::string out = "process-to-process CV " + format_cv(cell.between_cv) + " against the floor's " +
                    format_cv(cell.floor_cv) + " (flagged above " + format_cv(cell.threshold_cv) + ")";
  for (size_t i = 0; i < cell.causes.size(); ++i) out += (i ? "; " : ": ") + describe_noise_cause(cell.causes[i]);
  return out;
}

std::string describe_scaling_verdict(const analysis::ScalingEvidence& e) {
  using analysis::ScalingCause;
  if (e.cause == ScalingCause::not_enough_data)
    return "not enough data: the verdict compares one thread with more (run with --threads 1 and 2 or more)";
  const auto& top = e.points.back();
  const int n = top.threads;
  const auto eff = top.efficiency;
  std::string v;
  switch (e.cause) {
    case ScalingCause::scales:
      v = fmt::format("scales: {} efficiency at {} threads", format_percent(*eff), n);
      break;
    case ScalingCause::gil_serialised:
      v = fmt::format("GIL-serialised: the GIL is on and the {} workers ran {} CPUs' worth in parallel; only a "
                      "free-threaded build (GIL off) can scale this",
                      n, format_count(*top.parallelism));
      break;
    case ScalingCause::lock_blocking:
      v = e.cpu_ratio && *e.cpu_ratio >= analysis::kCpuRise
              ? fmt::format("contended lock: futex calls/op rise by {} and CPU/op {} (spinning before sleeping "
                            "costs CPU too)",
                            format_count(*e.futex_rise), format_ratio(*e.cpu_ratio))
              : fmt::format("blocked on a lock: futex calls rise by {} per op and CPU/op stays flat{}: the threads "
                            "wait for each other",
                            format_count(*e.futex_rise), e.cpu_ratio ? " (" + format_ratio(*e.cpu_ratio) + ")" : "");
      break;
    case ScalingCause::cache_contention:
      v = fmt::format("cache-line contention suspected: CPU/op rises {} from 1 to {} threads without blocking "
                      "(futex/op {}){}; the watchpoint tier says which lines",
                      format_ratio(*e.cpu_ratio), n, e.futex_rise ? "flat" : "not counted",
                      e.hitm_rises ? ", and hitm/op rises with it" : "");
      break;
    case ScalingCause::cpu_starved:
      v = fmt::format("starved of CPUs: nothing blocked the {} workers and CPU/op stayed flat, yet they ran only {} "
                      "CPUs' worth in parallel{}: they waited for a CPU (other load, steal time, or fewer CPUs than "
                      "threads; `orchestrate doctor` shows what else runs)",
                      n, format_count(*top.parallelism), top.oversubscribed ? " (more threads than usable CPUs)" : "");
      break;
    default:
      if (top.suspect) {
        v = fmt::format("unclear: the efficiency at {} threads ({}) is above what the scaling model allows, so the "
                        "cells are too noisy to judge (more processes: --repetitions)",
                        n, format_percent(*eff));
        break;
      }
      v = fmt::format("does not scale ({}) and the counters name no single cause{}",
                      eff ? fmt::format("{} efficiency at {} threads", format_percent(*eff), n)
                          : std::string("a latency benchmark"),
                      top.oversubscribed ? ": more threads than usable CPUs" : "");
  }
  std::vector<std::string> basis;
  if (e.cpu_ratio) basis.push_back("CPU/op");
  if (e.futex_rise) basis.push_back("futex/op");
  if (top.switches_per_op) basis.push_back("switches/op");
  if (top.hitm_per_op) basis.push_back("hitm/op");
  if (eff) basis.push_back("efficiency");
  if (top.parallelism) basis.push_back("parallelism");
  return v + fmt::format(" [rests on: {}]", fmt::join(basis, ", "));
}

std::vector<std::string> describe_scaling_evidence(const analysis::ScalingEvidence& e) {
  std::vector<std::string> out;
  if (e.points.size() < 2) return out;
  const auto& one = e.points.front();
  const auto& top = e.points.back();
  const int n = top.threads;
  if (top.efficiency && top.efficiency_ci)
    out.push_back(fmt::format("efficiency at {} threads {} (95% interval {}-{})", n, format_percent(*top.efficiency),
                              format_percent(top.efficiency_ci->low), format_percent(top.efficiency_ci->high)));
  out.push_back(fmt::format("time/op {} at 1 thread, {} at {}", format_duration_ns(one.time_per_op_ns),
                            format_duration_ns(top.time_per_op_ns), n));
  // "141 ns (95% 138 ns-145 ns)": a median with its interval, when it has one.
  const auto with_ci = [](double v, const std::optional<analysis::Interval>& ci, auto format) {
    if (!ci) return format(v);
    return fmt::format("{} (95% {}-{})", format(v), format(ci->low), format(ci->high));
  };
  if (e.cpu_ratio)
    out.push_back(fmt::format("CPU/op {} -> {} ({})", with_ci(*one.cpu_per_op_ns, one.cpu_per_op_ci, format_duration_ns),
                              with_ci(*top.cpu_per_op_ns, top.cpu_per_op_ci, format_duration_ns),
                              format_ratio(*e.cpu_ratio)));
  if (top.parallelism)
    out.push_back(fmt::format("workers ran {} CPUs' worth in parallel at {} threads", format_count(*top.parallelism), n));
  if (e.futex_rise)
    out.push_back(fmt::format("futex calls/op {} -> {}", with_ci(*one.futex_per_op, one.futex_per_op_ci, format_count),
                              with_ci(*top.futex_per_op, top.futex_per_op_ci, format_count)));
  if (one.switches_per_op && top.switches_per_op)
    out.push_back(fmt::format("context switches/op {} -> {}",
                              with_ci(*one.switches_per_op, one.switches_per_op_ci, format_count),
                              with_ci(*top.switches_per_op, top.switches_per_op_ci, format_count)));
  if (one.hitm_per_op && top.hitm_per_op)
    out.push_back(fmt::format("hitm/op {} -> {}", with_ci(*one.hitm_per_op, one.hitm_per_op_ci, format_count),
                              with_ci(*top.hitm_per_op, top.hitm_per_op_ci, format_count)));
  return out;
}

namespace {

// "a", "a and b", "a, b and c"
std::string and_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

}  // namespace

std::string describe_line(const analysis::LineFinding& l) {
  using analysis::SharingVerdict;
  std::vector<std::string> written, watched;
  for (const auto& w : l.words) {
    watched.push_back(w.name);
    if (!w.by_thread.empty()) written.push_back(w.name);
  }
  std::string out;
  switch (l.verdict) {
    case SharingVerdict::no_writes:
      return fmt::format("no writes to {} in {} watched iteration{}{}", and_list(watched), l.windows,
                         l.windows == 1 ? "" : "s",
                         l.immortal ? " (immortal: its reference count is never written)" : "");
    case SharingVerdict::not_shared:
      return fmt::format("{} written by {} only", and_list(written), l.writers.empty() ? "one thread" : l.writers.front());
    case SharingVerdict::false_sharing: {
      std::vector<std::string> by;
      for (const auto& w : l.words)
        if (!w.by_thread.empty()) by.push_back(fmt::format("{} ({})", w.name, w.by_thread.begin()->first));
      out = "false sharing between " + and_list(by);
      break;
    }
    case SharingVerdict::refcount_contention:
    case SharingVerdict::true_sharing: {
      const auto& w = l.words.at(*l.subject);
      if (l.verdict == SharingVerdict::refcount_contention)
        out = fmt::format("reference-count contention on {}: {} threads write {}", w.object, w.by_thread.size(), w.name);
      else if (w.lock)
        out = fmt::format("per-object lock contention on {}: {} threads write {} (its ob_mutex)", w.object,
                          w.by_thread.size(), w.name);
      else
        out = fmt::format("true sharing: {} threads write {}", w.by_thread.size(), w.name);
      break;
    }
  }
  if (l.negligible)
    out += fmt::format("; negligible: {} writes in {} operations", l.writes, format_count(l.watched_ops));
  else if (!l.contended)
    out += fmt::format("; shared but barely contended: {} of writes follow another thread's ({})",
                       format_percent(l.succession_share, 1),
                       l.gil_enabled ? "the GIL runs one thread at a time" : "something serialises the threads");
  else if (l.successions_per_op)
    out += fmt::format("; the line changes hands {} times per operation{}", format_count(*l.successions_per_op),
                       l.estimated ? " (estimated: the trap budget cut a window)" : "");
  if (l.windows > 1)
    out += fmt::format(" (its words were watched in {} windows: successions between words of different windows are "
                       "not seen)",
                       l.windows);
  return out;
}

std::string describe_line_fix(const analysis::LineFinding& l) {
  using analysis::SharingVerdict;
  std::string fix;
  switch (l.verdict) {
    case SharingVerdict::no_writes:
      return "nothing to fix";
    case SharingVerdict::not_shared:
      return "nothing to fix: one writer";
    case SharingVerdict::false_sharing:
      fix = fmt::format(
          "separate them: the written words lie {} bytes apart on one 64-byte line; put at least 64 bytes between "
          "what different threads write (128 on Intel, whose prefetcher pairs adjacent lines), e.g. pad each slot to "
          "128 bytes or give each thread its own buffer made in setup_thread",
          l.spread_bytes);
      break;
    case SharingVerdict::refcount_contention:
      fix = fmt::format(
          "stop sharing one mortal object's reference count: give each thread its own object or copy (made in "
          "setup_thread), hand threads the values rather than {}, or use an immortal or per-thread constant",
          l.words.at(*l.subject).object);
      break;
    case SharingVerdict::true_sharing:
      fix = l.words.at(*l.subject).lock
                ? fmt::format("stop locking one object from every thread: give each thread its own {} (made in "
                              "setup_thread) or hand threads what they need from it",
                              l.words.at(*l.subject).object)
                : "let each thread accumulate into its own slot, at least 64 bytes from the others (128 on Intel), "
                  "and combine the slots once at the end";
      break;
  }
  if (l.negligible) return "nothing to fix at this rate";
  if (!l.contended) return "not urgent here: " + fix + " (it costs once the threads run in parallel, e.g. without the GIL)";
  return fix;
}

}  // namespace ftbench::report
