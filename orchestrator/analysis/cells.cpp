#include "analysis/cells.h"

#include <algorithm>
#include <set>

#include "util/strings.h"

namespace ftbench::analysis {
namespace {

// The GIL state the processes reported wins over what discovery saw under a clean
// environment: PYTHON_GIL=1, or an import that re-enables it, changes it.
bool observed_gil(const std::string& label, const std::vector<results::ProcessRun>& runs, bool fallback) {
  size_t on = 0, total = 0;
  for (const auto& r : runs)
    if (r.interpreter == label && r.child) {
      ++total;
      if (r.child->gil_enabled) ++on;
    }
  return total == 0 ? fallback : on * 2 > total;
}

MeasuredInterpreter measured(const plan::TestedInterpreter& tested, const std::vector<results::ProcessRun>& runs) {
  return {tested, observed_gil(tested.label, runs, tested.expected_gil_enabled())};
}

// An interpreter seen in the runs but missing from the manifest (a hand-merged directory).
MeasuredInterpreter measured_from_run(const results::ProcessRun& r) {
  plan::TestedInterpreter tested;
  tested.label = r.interpreter;
  if (r.child) tested.interpreter = *r.child;
  return {tested, tested.interpreter.gil_enabled};
}

// Accumulates one cell's values before they are summarized.
struct CounterAccumulator {
  CounterStats stats;
  std::map<perf::Status, size_t> status_counts;  // status -> iterations, for never-counted ones
  std::map<perf::Status, std::string> status_message;
  std::optional<perf::Status> capability_status;  // what opening it said, for counters absent from iterations
  double running_sum = 0;
};

struct CellAccumulator {
  Cell cell;
  std::vector<int64_t> ops_seen;
  std::vector<CounterAccumulator> counters;

  CounterAccumulator& counter(const std::string& name) {
    for (auto& c : counters)
      if (c.stats.name == name) return c;
    counters.push_back({});
    counters.back().stats.name = name;
    return counters.back();
  }
};

void add_process(CellAccumulator& acc, const results::ProcessRun& run) {
  auto& cell = acc.cell;
  ++cell.processes_ok;
  for (const auto& it : run.iterations) {
    if (it.warmup) continue;
    const int pid = run.process_index;
    const auto region = static_cast<double>(it.region_ns);
    cell.time.add(region, pid);
    acc.ops_seen.push_back(it.ops);
    if (it.gil_enabled) ++cell.gil_enabled_iterations;
    if (it.ops > 0) cell.time_per_op.add(region / static_cast<double>(it.ops), pid);
    double workers_cpu = 0, workers_wall = 0;
    std::optional<int64_t> skew;
    for (const auto& t : it.threads) {
      workers_cpu += static_cast<double>(t.cpu_ns);
      workers_wall += static_cast<double>(t.wall_ns);
      if (t.start_ns) skew = std::max(skew.value_or(0), *t.start_ns);
    }
    if (region > 0 && !it.threads.empty()) cell.parallelism.add(workers_cpu / region, pid);
    if (it.ops > 0 && !it.threads.empty()) cell.cpu_per_op.add(workers_cpu / static_cast<double>(it.ops), pid);
    if (skew) cell.start_skew.add(static_cast<double>(*skew), pid);
    if (it.ops > 0 && workers_wall > 0) cell.worker_time_per_op.add(workers_wall / static_cast<double>(it.ops), pid);
    for (const auto& c : it.counters)
      if (c.name == "task-clock" && c.status == perf::Status::counted && it.ops > 0)
        cell.other_cpu_per_op.add(std::max(0.0, c.value - workers_cpu) / static_cast<double>(it.ops), pid);
    for (const auto& c : it.counters) {
      auto& ca = acc.counter(c.name);
      ++ca.stats.measured_iterations;
      if (c.status == perf::Status::counted) {
        ++ca.stats.counted_iterations;
        ca.running_sum += c.running_fraction;
        ca.stats.per_iteration.add(c.value, pid);
        if (it.ops > 0) ca.stats.per_op.add(c.value / static_cast<double>(it.ops), pid);
      } else {
        ++ca.status_counts[c.status];
        if (!c.message.empty()) ca.status_message[c.status] = c.message;
      }
    }
  }
  for (const auto& cap : run.capabilities) {
    auto& ca = acc.counter(cap.name);
    ca.stats.proxy = ca.stats.proxy || cap.proxy;
    if (ca.stats.note.empty()) ca.stats.note = cap.note;
    // A capability that never opened may have no per-iteration entries: its reason lives here.
    if (cap.status != perf::Status::counted) {
      if (!ca.capability_status) ca.capability_status = cap.status;
      if (ca.status_message.find(cap.status) == ca.status_message.end()) ca.status_message[cap.status] = cap.message;
    }
  }
}

Cell finish(CellAccumulator acc) {
  Cell cell = std::move(acc.cell);
  if (!acc.ops_seen.empty()) {
    auto sorted = acc.ops_seen;
    std::sort(sorted.begin(), sorted.end());
    cell.ops = sorted[sorted.size() / 2];
    cell.ops_constant = sorted.front() == sorted.back();
  }
  if (!cell.time.empty()) cell.time_stats = summarize(cell.time, Quantity::duration_ns);
  if (!cell.time_per_op.empty()) cell.time_per_op_stats = summarize(cell.time_per_op, Quantity::duration_per_op_ns);
  if (!cell.parallelism.empty()) cell.parallelism_stats = summarize(cell.parallelism, Quantity::count);
  if (!cell.start_skew.empty()) cell.start_skew_stats = summarize(cell.start_skew, Quantity::duration_per_op_ns);
  for (auto& ca : acc.counters) {
    auto& s = ca.stats;
    if (s.counted()) {
      s.status = perf::Status::counted;
      s.mean_running_fraction = ca.running_sum / static_cast<double>(s.counted_iterations);
      s.per_iteration_stats = summarize(s.per_iteration, Quantity::count);
      if (!s.per_op.empty()) s.per_op_stats = summarize(s.per_op, Quantity::count);
      if (s.counted_iterations < s.measured_iterations)
        s.message = "counted in " + std::to_string(s.counted_iterations) + " of " +
                    std::to_string(s.measured_iterations) + " iterations";
    } else {
      // The most frequent reason it was not counted.
      perf::Status status = ca.capability_status.value_or(perf::Status::not_counted);
      size_t best = 0;
      for (const auto& [st, n] : ca.status_counts)
        if (n > best) status = st, best = n;
      s.status = status;
      auto m = ca.status_message.find(status);
      s.message = m != ca.status_message.end() ? m->second : "";
    }
    cell.counters.push_back(std::move(s));
  }
  return cell;
}

}  // namespace

std::string MeasuredInterpreter::build_description() const {
  std::string out = free_threaded_build() ? "free-threaded build" : "default build";
  out += gil_enabled ? ", GIL on" : ", GIL off";
  if (auto it = tested.env.find("PYTHON_GIL"); it != tested.env.end()) out += " (PYTHON_GIL=" + it->second + ")";
  return out;
}

const CounterStats* Cell::counter(const std::string& name) const {
  for (const auto& c : counters)
    if (c.name == name) return &c;
  return nullptr;
}

const Cell* Cells::find(const std::string& benchmark, const std::string& interpreter, int thread_count) const {
  for (const auto& c : cells)
    if (c.key.benchmark == benchmark && c.key.interpreter == interpreter && c.key.threads == thread_count) return &c;
  return nullptr;
}

const MeasuredInterpreter* Cells::interpreter(const std::string& label) const {
  for (const auto& i : interpreters)
    if (i.label() == label) return &i;
  return nullptr;
}

const harness::Benchmark* Cells::benchmark(const std::string& id) const {
  for (const auto& b : benchmarks)
    if (b.id == id) return &b;
  return nullptr;
}

std::vector<std::string> Cells::counter_names() const {
  std::vector<std::string> names;
  for (const auto& c : cells)
    for (const auto& k : c.counters)
      if (std::find(names.begin(), names.end(), k.name) == names.end()) names.push_back(k.name);
  return names;
}

Cells build_cells(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs) {
  Cells out;
  const auto& plan = manifest.plan;
  for (const auto& tested : plan.interpreters) out.interpreters.push_back(measured(tested, runs));
  out.benchmarks = plan.benchmarks;
  for (const auto& r : runs) {
    if (!out.interpreter(r.interpreter)) out.interpreters.push_back(measured_from_run(r));
    if (!out.benchmark(r.benchmark)) {
      harness::Benchmark b;
      b.id = r.benchmark;
      out.benchmarks.push_back(b);
    }
  }
  // Fill what the plan lacks (scripts, old manifests) from the workloads' own reports.
  for (auto& b : out.benchmarks)
    for (const auto& r : runs)
      if (r.benchmark == b.id && r.workload) {
        const auto& reported = r.workload->benchmark;
        if (b.scaling == harness::Scaling::unspecified) b.scaling = reported.scaling;
        if (b.op_name.empty()) b.op_name = reported.op_name;
        if (b.tags.empty()) b.tags = reported.tags;
        if (!b.pair) b.pair = reported.pair;
      }

  out.counts.planned = plan.items.size();
  std::map<CellKey, CellAccumulator> acc;
  std::set<int> threads;
  for (const auto& r : runs) {
    ++out.counts.finished;
    CellKey key{r.benchmark, r.interpreter, r.threads};
    auto& a = acc[key];
    a.cell.key = key;
    threads.insert(r.threads);
    if (r.status == results::RunStatus::failed) {
      ++out.counts.failed;
      ++a.cell.processes_failed;
      std::string detail = util::last_nonempty_line(r.error_traceback);
      if (detail.empty()) detail = util::last_nonempty_line(r.stderr_tail);
      out.failures.push_back({r.item_id, r.interpreter, r.benchmark, r.threads, r.process_index,
                              r.failure.empty() ? "failed (no reason recorded)" : r.failure, r.error_phase, r.exit,
                              detail});
      continue;
    }
    add_process(a, r);
  }
  if (threads.empty()) threads.insert(plan.threads.begin(), plan.threads.end());  // nothing finished yet
  out.threads.assign(threads.begin(), threads.end());

  // Deterministic, readable order: plan order of benchmarks, then threads, then interpreters.
  for (const auto& b : out.benchmarks)
    for (int t : out.threads)
      for (const auto& i : out.interpreters)
        if (auto it = acc.find(CellKey{b.id, i.label(), t}); it != acc.end())
          out.cells.push_back(finish(std::move(it->second)));

  auto baseline = std::find_if(out.interpreters.begin(), out.interpreters.end(), [](auto& i) { return i.baseline(); });
  if (baseline == out.interpreters.end() && !out.interpreters.empty()) {
    out.interpreters.front().tested.baseline = true;
    baseline = out.interpreters.begin();
    out.notes.push_back("no interpreter is marked baseline: comparing against the first, " + baseline->label());
  }
  out.baseline = static_cast<size_t>(baseline - out.interpreters.begin());

  for (const auto& c : out.cells) {
    const auto* info = out.interpreter(c.key.interpreter);
    if (!info || !info->free_threaded_build() || info->gil_enabled) continue;
    if (c.gil_enabled_iterations > 0)
      out.notes.push_back(c.key.interpreter + " " + c.key.benchmark + " at " + std::to_string(c.key.threads) +
                          " threads: the GIL was back on after " + std::to_string(c.gil_enabled_iterations) + " of " +
                          std::to_string(c.time.size()) +
                          " iterations (an extension module re-enabled it): those are not free-threaded numbers");
  }
  return out;
}

}  // namespace ftbench::analysis
