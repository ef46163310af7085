#include "synthetic_run.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "results/run_store.h"

namespace fs = std::filesystem;

namespace ftbench::testing {

SyntheticRun::SyntheticRun(std::string run_id, uint64_t seed) : rng_(seed) {
  auto& m = manifest_;
  m.schema_version = results::kSchemaVersion;
  m.run_id = std::move(run_id);
  m.tool_version = "0.1.0";
  m.git_revision = "synthetic";
  m.command_line = "orchestrate --config configs/synthetic.yaml";
  m.config_file = "configs/synthetic.yaml";
  m.config_name = "synthetic";
  m.created_at = "2026-11-28T12:00:00Z";
  m.finished_at = "2026-11-28T12:30:00Z";
  m.status = results::RunState::complete;
  m.affinity = {};
  m.formats = config::all_output_formats();
  m.plan.seed = seed;
  m.plan.repetitions.warmups = 1;
  m.plan.repetitions.iterations = 5;
  m.plan.size = "default";
  m.plan.events = {{"task-clock", false}, {"context-switches", false}};
  auto& mi = m.machine;
  mi.hostname = "bench-host";
  mi.kernel_release = "6.8.0-synthetic";
  mi.architecture = "x86_64";
  mi.cpu_model = "Example CPU 8-Core Processor @ 3.0 GHz";
  mi.logical_cpus = 8;
  mi.physical_cores = 8;
  mi.usable_cpus = {0, 1, 2, 3, 4, 5, 6, 7};
  mi.pmu = "cpu";
  mi.governor = "performance";
  mi.turbo = "off";
  mi.perf_event_paranoid = 1;
  mi.aslr = 2;
  mi.load_average = "0.05 0.10 0.12";
  mi.memory_total_kb = 32 * 1024 * 1024;
  mi.boot_id = "00000000-0000-0000-0000-000000000000";
}

SyntheticRun& SyntheticRun::interpreter(SyntheticInterpreter in) {
  plan::TestedInterpreter ri;
  ri.label = in.label;
  ri.baseline = in.baseline;
  ri.env = in.env;
  auto& f = ri.interpreter;
  f.implementation = "cpython";
  f.version_text = in.version;
  f.version = discovery::PythonVersion::parse(in.version).value_or(discovery::PythonVersion{});
  f.free_threaded_build = in.free_threaded;
  f.gil_enabled = !in.free_threaded;
  const std::string dir = "/opt/python/" + in.version + (in.free_threaded ? "-nogil" : "-gil");
  f.executable = in.executable.empty() ? dir + "/bin/python3" + (in.free_threaded ? "t" : "") : in.executable;
  f.path = f.executable;
  f.configure_args = "'--prefix=" + dir + "'" + (in.free_threaded ? " '--disable-gil'" : "");
  f.compiler = "GCC 12.2.0";
  manifest_.plan.interpreters.push_back(ri);
  return *this;
}

SyntheticRun& SyntheticRun::benchmark(SyntheticBenchmark b) {
  harness::Benchmark pb;
  pb.id = b.id;
  pb.scaling = b.scaling;
  pb.op_name = b.op_name;
  pb.summary = b.summary;
  pb.tags = b.tags;
  manifest_.plan.benchmarks.push_back(pb);
  return *this;
}

size_t SyntheticRun::interpreter_index(const std::string& label) const {
  const auto& v = manifest_.plan.interpreters;
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i].label == label) return i;
  throw std::invalid_argument("synthetic run: no interpreter " + label);
}

size_t SyntheticRun::benchmark_index(const std::string& id) const {
  const auto& v = manifest_.plan.benchmarks;
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i].id == id) return i;
  throw std::invalid_argument("synthetic run: no benchmark " + id);
}

results::ProcessRun SyntheticRun::process(const std::string& interpreter, const std::string& benchmark, int threads,
                                          int process_index) {
  auto& plan = manifest_.plan;
  plan::PlanItem item;
  item.sequence = plan.items.size();
  item.round = process_index;
  item.interpreter = interpreter_index(interpreter);
  item.benchmark = benchmark_index(benchmark);
  item.threads = threads;
  item.process_index = process_index;
  plan.items.push_back(item);
  if (std::find(plan.threads.begin(), plan.threads.end(), threads) == plan.threads.end()) {
    plan.threads.push_back(threads);
    std::sort(plan.threads.begin(), plan.threads.end());
  }
  const auto& ri = plan.interpreters[item.interpreter];
  const auto& b = plan.benchmarks[item.benchmark];
  results::ProcessRun r;
  r.item_id = plan.item_id(item);
  r.sequence = item.sequence;
  r.round = item.round;
  r.interpreter = interpreter;
  r.benchmark = benchmark;
  r.threads = threads;
  r.process_index = process_index;
  r.status = results::RunStatus::ok;
  r.exit = "exit code 0";
  r.started_at = "2026-11-28T12:" + std::string(item.sequence % 60 < 10 ? "0" : "") +
                 std::to_string(item.sequence % 60) + ":00Z";
  r.duration_s = 1.5;
  const bool gil = ri.expected_gil_enabled();
  r.child = ri.interpreter;
  r.child->path.clear();  // what a child reports: no path, no source
  r.child->source.reset();
  r.child->gil_enabled = gil;
  r.workload = harness::WorkloadReport{b, threads, 0, "default", 0};
  r.gil_enabled_at_exit = gil;
  return r;
}

SyntheticRun& SyntheticRun::cell(const std::string& interpreter, const std::string& benchmark, int threads,
                                 int processes, int iterations, int64_t ops, const Draw& draw,
                                 const std::vector<SyntheticCounter>& counters) {
  for (int p = 0; p < processes; ++p) {
    auto r = process(interpreter, benchmark, threads, p);
    if (r.workload) r.workload->ops_per_iteration = ops, r.workload->size = ops;
    for (const auto& c : counters)
      r.capabilities.push_back({c.name, c.status, c.status == perf::Status::counted ? "" : c.message, "synthetic",
                                false, ""});
    for (int i = 0; i <= iterations; ++i) {
      results::Iteration it;
      it.index = i;
      it.warmup = i == 0;  // one warm-up, a little slower as real ones are
      const double t = draw(rng_, p, i) * (it.warmup ? 1.08 : 1.0);
      it.region_ns = std::max<int64_t>(1, static_cast<int64_t>(std::llround(t)));
      it.ops = ops;
      it.gil_enabled = r.child->gil_enabled;
      for (int k = 0; k < threads; ++k) {
        const auto wall = static_cast<int64_t>(static_cast<double>(it.region_ns) * (0.97 + 0.03 * rng_.uniform()));
        // Threads that hold the GIL take turns: their CPU time adds up to about the wall time.
        const double cpu_share = it.gil_enabled ? 1.0 / threads : 0.98;
        it.threads.push_back({k, wall, static_cast<int64_t>(static_cast<double>(wall) * cpu_share), 0, 1000 + k});
      }
      for (const auto& c : counters) {
        perf::CounterValue cr;
        cr.name = c.name;
        cr.status = c.status;
        if (c.status == perf::Status::counted) {
          cr.value = std::round(c.per_op * static_cast<double>(ops) * rng_.lognormal(1.0, 0.05));
          cr.raw = static_cast<uint64_t>(cr.value * c.running_fraction);
          cr.running_fraction = c.running_fraction;
        } else {
          cr.message = c.message;
        }
        it.counters.push_back(cr);
      }
      r.iterations.push_back(std::move(it));
    }
    runs_.push_back(std::move(r));
  }
  return *this;
}

SyntheticRun& SyntheticRun::failure(const std::string& interpreter, const std::string& benchmark, int threads,
                                    int process_index, const std::string& reason) {
  auto r = process(interpreter, benchmark, threads, process_index);
  r.status = results::RunStatus::failed;
  r.failure = reason;
  r.exit = "killed by signal 9 (SIGKILL)";
  r.error_phase = harness::Phase::iteration;
  r.stderr_tail = "Traceback (most recent call last):\n  ...\nMemoryError";
  runs_.push_back(std::move(r));
  return *this;
}

fs::path SyntheticRun::write(const fs::path& root) const {
  std::error_code ec;
  fs::remove_all(root / manifest_.run_id, ec);  // a fresh copy of this run, other runs untouched
  auto store = results::RunStore::create(root, manifest_.run_id);
  store.write_manifest(manifest_);
  for (const auto& r : runs_) store.save_run(r);
  store.write_merged(manifest_, runs_);
  return store.dir();
}

SyntheticRun::Draw lognormal_draw(double median_ns, double sigma, double between) {
  auto shifts = std::make_shared<std::map<int, double>>();  // one draw per process, kept for its iterations
  return [=](Rng& rng, int process, int) {
    auto [it, fresh] = shifts->emplace(process, 1.0);
    if (fresh && between > 0) it->second = std::exp(between * rng.normal());
    return rng.lognormal(median_ns * it->second, sigma);
  };
}

SyntheticRun demo_run(uint64_t seed) {
  SyntheticRun run("20261128-120000-demo", seed);
  run.interpreter({"3.12", "3.12.7", false, true, {}, ""})
      .interpreter({"3.13", "3.13.5", false, false, {}, ""})
      .interpreter({"3.13t", "3.13.5", true, false, {}, ""})
      .interpreter({"3.13t+GIL", "3.13.5", true, false, {{"PYTHON_GIL", "1"}}, ""});
  using harness::Scaling;
  run.benchmark({"baseline/cpu", Scaling::weak, "sin*cos accumulate", "CPU-bound float math per thread", {"cpu"}})
      .benchmark({"bytecode/load_const", Scaling::weak, "constant load", "LOAD_CONST in a tight loop", {"bytecode"}})
      .benchmark({"baseline/thread_creation", Scaling::latency, "thread start + join", "Start and join a no-op thread",
                  {"baseline"}})
      .benchmark({"memory/ordering/false_sharing_baseline", Scaling::weak, "counter increment",
                  "Adjacent per-thread counters in one buffer", {"memory", "false-sharing"}})
      .benchmark({"memory/ordering/false_sharing_padded", Scaling::weak, "counter increment",
                  "Per-thread counters 128 bytes apart in one buffer", {"memory", "false-sharing"}})
      .benchmark({"scaling/object_churn_shared", Scaling::weak, "allocate+store+read", "One object pool shared by all threads",
                  {"scaling"}})
      .benchmark({"scaling/parallel_compute", Scaling::strong, "element", "Fixed range hashed and summed, split across threads",
                  {"scaling", "cpu"}});

  const std::vector<int> thread_counts{1, 2, 4, 8};
  const int processes = 8, iterations = 3;
  // Single-thread time per operation (ns) by benchmark and interpreter.
  const std::map<std::string, std::map<std::string, double>> t1{
      {"baseline/cpu", {{"3.12", 62}, {"3.13", 62}, {"3.13t", 75}, {"3.13t+GIL", 76}}},
      {"bytecode/load_const", {{"3.12", 11}, {"3.13", 10.5}, {"3.13t", 17}, {"3.13t+GIL", 17.2}}},
      {"baseline/thread_creation", {{"3.12", 40e3}, {"3.13", 38e3}, {"3.13t", 180e3}, {"3.13t+GIL", 185e3}}},
      {"memory/ordering/false_sharing_baseline", {{"3.12", 48}, {"3.13", 46}, {"3.13t", 58}, {"3.13t+GIL", 59}}},
      {"memory/ordering/false_sharing_padded", {{"3.12", 48}, {"3.13", 46}, {"3.13t", 57}, {"3.13t+GIL", 59}}},
      {"scaling/object_churn_shared", {{"3.12", 210}, {"3.13", 200}, {"3.13t", 260}, {"3.13t+GIL", 262}}},
      {"scaling/parallel_compute", {{"3.12", 100}, {"3.13", 95}, {"3.13t", 110}, {"3.13t+GIL", 112}}},
  };
  auto lg = [](int n) { return std::log2(static_cast<double>(n)); };
  for (const auto& [bench, per_interp] : t1) {
    const bool single_thread_only = bench == "baseline/cpu" || bench == "bytecode/load_const";
    const bool strong = bench == "scaling/parallel_compute";
    const bool latency = bench == "baseline/thread_creation";
    const int64_t ops_per_thread = strong ? 2'400'000 : latency ? 1'000 : 200'000;
    for (const auto& [label, base_ns] : per_interp) {
      const bool gil = label != "3.13t";
      for (int n : thread_counts) {
        if (single_thread_only && n > 1) continue;
        const int64_t ops = strong ? ops_per_thread : ops_per_thread * n;
        // Iteration time relative to one thread.
        double factor = 1;
        if (bench == "scaling/parallel_compute") factor = gil ? 1.0 + 0.03 * lg(n) : 1.0 / (n * (1.0 - 0.05 * lg(n)));
        if (bench == "scaling/object_churn_shared") factor = gil ? n * 1.05 : n * (1.0 + 0.55 * lg(n));
        if (bench == "memory/ordering/false_sharing_baseline") factor = gil ? n * 1.02 : 1.0 + 0.6 * lg(n);
        if (bench == "memory/ordering/false_sharing_padded") factor = gil ? n * 1.02 : 1.0 + 0.02 * lg(n);
        if (latency) factor = gil ? n * 0.95 : 0.8;  // thread starts overlap: more per second with more threads
        double median_iteration = base_ns * static_cast<double>(strong ? ops : ops_per_thread) * factor;
        // 3.12 vs 3.13 on baseline/cpu: the same distribution, so the comparison is n.s.
        const double sigma = bench == "baseline/cpu" ? 0.03 : 0.015;
        std::vector<SyntheticCounter> counters{
            // CPU time per operation: the wall time per operation times the threads that run at once.
            {"task-clock", base_ns * factor * (gil ? 1.0 : n) / (strong ? 1.0 : n), perf::Status::counted, "", 1.0},
            {"context-switches", (gil && n > 1 ? 4e-4 : 2e-6) * n, perf::Status::counted, "", 1.0},
            {"syscalls:sys_enter_futex", gil && n > 1 ? 3e-4 * n : 1e-6, perf::Status::counted, "", 1.0},
            {"instructions", base_ns * 3.1, perf::Status::counted, "", 0.66},
            {"hitm",
             bench == "memory/ordering/false_sharing_baseline" && !gil ? 0.35 * (n > 1 ? 1 : 0.001)
             : bench == "scaling/object_churn_shared" && !gil          ? 0.08 * (n > 1 ? 1 : 0.001)
                                                                       : 1e-5,
             perf::Status::counted, "", 0.66},
            {"LLC-load-misses", 0, perf::Status::not_supported,
             "no PMU on this machine provides this event (ENOENT): usual in VMs without a virtual PMU", 1.0},
        };
        if (label == "3.13t+GIL" && bench == "scaling/object_churn_shared" && n == 8) {
          run.cell(label, bench, n, processes - 1, iterations, ops, lognormal_draw(median_iteration, sigma, 0.03),
                   counters);
          run.failure(label, bench, n, processes - 1, "timed out after 60 s (killed)");
          continue;
        }
        auto draw = lognormal_draw(median_iteration, sigma, 0.03);
        // One process that ran slow (a noisy neighbour): the cell is noisier than the floor.
        if (label == "3.13" && bench == "scaling/object_churn_shared" && n == 2)
          draw = [inner = draw](Rng& rng, int p, int i) { return inner(rng, p, i) * (p == 3 ? 1.5 : 1.0); };
        run.cell(label, bench, n, processes, iterations, ops, draw, counters);
      }
    }
  }
  // The suite's pair, as `python -m ftbench list --json` describes it.
  auto& benchmarks = run.manifest().plan.benchmarks;
  const std::vector<harness::Expectation> expected{
      {harness::BuildKind::free_threaded, harness::ThreadCondition::several, "any", harness::ExpectedRatio::higher},
      {harness::BuildKind::any, harness::ThreadCondition::any, "any", harness::ExpectedRatio::equal}};
  for (auto& b : benchmarks) {
    if (b.id == "memory/ordering/false_sharing_baseline")
      b.pair = harness::PairInfo{"false_sharing", harness::PairRole::subject, "memory/ordering/false_sharing_padded", expected};
    if (b.id == "memory/ordering/false_sharing_padded")
      b.pair = harness::PairInfo{"false_sharing", harness::PairRole::reference, "memory/ordering/false_sharing_baseline", expected};
  }
  // A baseline built with other flags than the pair (pyenv's --enable-shared): a confound to label.
  run.manifest().plan.interpreters[0].interpreter.configure_args = "'--prefix=/opt/python/3.12.7' '--enable-shared'";
  return run;
}

SyntheticRun noisy_run(uint64_t seed) {
  SyntheticRun run("20261128-120000-noisy", seed);
  run.interpreter({"3.13", "3.13.5", false, true, {}, ""}).interpreter({"3.13t", "3.13.5", true, false, {}, ""});
  const int64_t ops = 1000;
  const double t = 10e6;  // 10 ms per iteration
  const std::vector<SyntheticCounter> quiet_counters{{"cpu-migrations", 0.002, perf::Status::counted, "", 1.0},
                                                     {"context-switches", 0.002, perf::Status::counted, "", 1.0}};
  for (int b = 0; b < 40; ++b) {
    const std::string id = "quiet/b" + std::to_string(b);
    run.benchmark(id);
    for (const char* label : {"3.13", "3.13t"}) run.cell(label, id, 1, 6, 5, ops, lognormal_draw(t, 0.01, 0.03), quiet_counters);
  }
  run.benchmark("noisy/slow_process").benchmark("noisy/bimodal").benchmark("noisy/migrations");
  const auto quiet = [&](const char* label, const std::string& id) {
    run.cell(label, id, 1, 6, 5, ops, lognormal_draw(t, 0.01, 0.03), quiet_counters);
  };
  run.cell("3.13", "noisy/slow_process", 1, 6, 5, ops,
           [inner = lognormal_draw(t, 0.01, 0.03)](Rng& rng, int p, int i) { return inner(rng, p, i) * (p == 2 ? 1.6 : 1.0); },
           quiet_counters);
  quiet("3.13t", "noisy/slow_process");
  run.cell("3.13", "noisy/bimodal", 1, 8, 5, ops,
           [inner = lognormal_draw(t, 0.01, 0.01)](Rng& rng, int p, int i) { return inner(rng, p, i) * (p >= 4 ? 1.5 : 1.0); },
           quiet_counters);
  quiet("3.13t", "noisy/bimodal");
  quiet("3.13", "noisy/migrations");
  run.cell("3.13t", "noisy/migrations", 1, 6, 5, ops, lognormal_draw(t, 0.01, 0.03), quiet_counters);
  // Its process 1 ran 1.5x slower, moved between CPUs 60 times an iteration (the others 2).
  for (auto& r : run.runs())
    if (r.interpreter == "3.13t" && r.benchmark == "noisy/migrations" && r.process_index == 1)
      for (auto& it : r.iterations) {
        it.region_ns = it.region_ns * 3 / 2;
        for (auto& c : it.counters)
          if (c.name == "cpu-migrations") c.value = 60;
      }
  return run;
}

}  // namespace ftbench::testing
