#include "report/pyperf_exporter.h"

#include <algorithm>

#include "report/exporter.h"
#include "os/files.h"
#include "os/system_check.h"
#include "util/json.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace ftbench::report {
namespace {

// pyperf rejects empty strings and line breaks in metadata values.
std::string clean(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  return text;
}

void put_text(json::Writer& w, std::string_view key, const std::string& value) {
  auto v = clean(value);
  if (!v.empty()) w.field(key, v);
}

// "2026-11-28T16:59:39Z" -> "2026-11-28 16:59:39": what pyperf writes and every Python's
// datetime.fromisoformat reads.
std::string pyperf_date(std::string iso) {
  if (iso.size() >= 19) iso = iso.substr(0, 19);
  std::replace(iso.begin(), iso.end(), 'T', ' ');
  return iso;
}


std::string aslr_text(int aslr) {
  switch (aslr) {
    case 0: return "No randomization";
    case 1: return "Conservative randomization";
    default: return "Full randomization";
  }
}

// The ok runs of one cell, in process order.
std::vector<const results::ProcessRun*> cell_runs(const ReportModel& model, const std::string& interpreter,
                                                  const std::string& benchmark, int threads) {
  std::vector<const results::ProcessRun*> out;
  for (const auto& r : model.runs)
    if (r.status == results::RunStatus::ok && r.interpreter == interpreter && r.benchmark == benchmark &&
        r.threads == threads)
      out.push_back(&r);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->process_index < b->process_index; });
  return out;
}

// One operation count for every iteration of the cell (warm-ups included), or 0.
int64_t constant_ops(const std::vector<const results::ProcessRun*>& runs) {
  int64_t ops = -1;
  for (const auto* r : runs)
    for (const auto& it : r->iterations) {
      if (it.ops <= 0) return 0;
      if (ops < 0) ops = it.ops;
      else if (ops != it.ops) return 0;
    }
  return ops < 0 ? 0 : ops;
}

bool write_benchmark(json::Writer& w, const ReportModel& model, const harness::Benchmark& bench,
                     const analysis::MeasuredInterpreter& interp, int threads) {
  const auto runs = cell_runs(model, interp.label(), bench.id, threads);
  const int64_t ops = constant_ops(runs);
  const double divisor = 1e9 * static_cast<double>(ops > 0 ? ops : 1);
  // pyperf: values > 0, warm-ups >= 0, a run has at least one of them.
  bool any = false;
  for (const auto* r : runs)
    for (const auto& it : r->iterations)
      if (it.region_ns > 0) any = true;
  if (!any) return false;

  w.start_object();
  w.key("metadata");
  w.start_object();
  w.field("name", bench.id + "[threads=" + std::to_string(threads) + "]");
  w.field("threads", threads);
  if (ops > 0) w.field("inner_loops", ops);
  put_text(w, "description", bench.summary);
  put_text(w, "ftbench_benchmark", bench.id);
  put_text(w, "ftbench_scaling", util::name_string(bench.scaling));
  put_text(w, "ftbench_op_name", bench.op_name);
  std::vector<std::string> tags{bench.group()};
  for (const auto& t : bench.tags)
    if (!t.empty() && t != "all" && std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  w.field("tags", tags);
  w.end_object();

  w.key("runs");
  w.start_array();
  for (const auto* r : runs) {
    std::vector<double> warmups, values;
    bool gil_on = false;
    for (const auto& it : r->iterations) {
      if (it.region_ns <= 0) continue;
      const double v = static_cast<double>(it.region_ns) / divisor;
      (it.warmup ? warmups : values).push_back(v);
      if (!it.warmup && it.gil_enabled) gil_on = true;
    }
    if (warmups.empty() && values.empty()) continue;
    w.start_object();
    w.key("metadata");
    w.start_object();
    if (!r->started_at.empty()) w.field("date", pyperf_date(r->started_at));
    if (r->duration_s > 0) w.field("duration", r->duration_s);
    if (!r->cpus.empty()) w.field("cpu_affinity", os::format_cpu_list(r->cpus));  // pyperf's format is the kernel's
    w.field("ftbench_process_index", r->process_index);
    if (interp.free_threaded_build()) w.field("gil_enabled", gil_on);
    w.end_object();
    if (!warmups.empty()) {
      w.key("warmups");
      w.start_array();
      for (double v : warmups) {
        w.start_array();
        w.integer(1);
        w.number(v);
        w.end_array();
      }
      w.end_array();
    }
    w.key("values");
    w.start_array();
    for (double v : values) w.number(v);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return true;
}

std::string document(const ReportModel& model, const analysis::MeasuredInterpreter& interp, bool& has_benchmarks) {
  const auto& m = model.manifest;
  const auto& mi = m.machine;
  const auto& f = interp.facts();
  json::Writer w;
  w.start_object();
  w.field("version", "1.0");
  w.key("metadata");
  w.start_object();
  w.field("unit", "second");
  w.field("loops", 1);
  put_text(w, "python_implementation", f.implementation.empty() ? "cpython" : f.implementation);
  put_text(w, "python_version", f.version_text);
  put_text(w, "python_executable", (f.executable.empty() ? f.path : f.executable).string());
  put_text(w, "python_compiler", f.compiler);
  put_text(w, "python_configure_args", f.configure_args);
  w.field("free_threaded_build", f.free_threaded_build);
  // Whether the GIL was on in this interpreter's processes (PYTHON_GIL=1 included); a run's
  // own gil_enabled overrides it if an import switched the GIL back on.
  w.field("gil_enabled", interp.gil_enabled);
  for (const auto& [k, v] : interp.tested.env) put_text(w, "env_" + k, v);
  put_text(w, "hostname", mi.hostname);
  put_text(w, "cpu_model_name", mi.cpu_model);
  if (mi.logical_cpus > 0) w.field("cpu_count", mi.logical_cpus);
  if (!mi.kernel_release.empty()) put_text(w, "platform", "Linux-" + mi.kernel_release + "-" + mi.architecture);
  if (mi.aslr) w.field("aslr", aslr_text(*mi.aslr));
  put_text(w, "boot_id", mi.boot_id);
  put_text(w, "ftbench_run_id", m.run_id);
  put_text(w, "ftbench_interpreter", interp.label());
  w.end_object();
  w.key("benchmarks");
  w.start_array();
  has_benchmarks = false;
  for (const auto& b : model.cells().benchmarks)
    for (int t : model.cells().threads)
      if (write_benchmark(w, model, b, interp, t)) has_benchmarks = true;
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

class PyperfExporter final : public Exporter {
 public:
  config::OutputFormat format() const override { return config::OutputFormat::pyperf; }
  std::vector<fs::path> write(const ReportModel& model, const fs::path& run_dir) const override {
    std::vector<fs::path> written;
    const auto dir = run_dir / "pyperf";
    std::error_code ec;
    fs::create_directories(dir, ec);
    for (const auto& doc : pyperf_documents(model)) {
      os::write_file_atomically(dir / doc.file_name, doc.json);
      written.push_back(dir / doc.file_name);
    }
    return written;
  }
};

}  // namespace

std::string pyperf_file_name(const std::string& label) {
  return (label.empty() ? std::string("interpreter") : util::file_name_part(label)) + ".json";
}

std::vector<PyperfFile> pyperf_documents(const ReportModel& model) {
  std::vector<PyperfFile> out;
  for (const auto& interp : model.cells().interpreters) {
    bool has = false;
    auto json = document(model, interp, has);
    if (!has) continue;
    // Labels that clean to the same name ("3.13t+GIL", "3.13t GIL") get a numbered suffix.
    const auto first = pyperf_file_name(interp.label());
    auto name = first;
    for (int n = 2; std::any_of(out.begin(), out.end(), [&](auto& f) { return f.file_name == name; }); ++n)
      name = first.substr(0, first.size() - 5) + "-" + std::to_string(n) + ".json";
    out.push_back({interp.label(), name, std::move(json)});
  }
  return out;
}

std::unique_ptr<Exporter> make_pyperf_exporter() { return std::make_unique<PyperfExporter>(); }

}  // namespace ftbench::report
