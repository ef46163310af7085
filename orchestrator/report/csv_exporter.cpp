#include "report/csv_exporter.h"

#include <charconv>

#include "report/exporter.h"
#include "os/files.h"

namespace fs = std::filesystem;

namespace ftbench::report {
namespace {

// Shortest text that reads back as the same double.
std::string number(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

const char* boolean(bool v) { return v ? "true" : "false"; }

struct RowWriter {
  std::string& out;
  // The fields shared by every row of one iteration.
  std::vector<std::string> prefix;  // run_id .. warmup (10 fields)

  void row(const std::string& metric, const std::string& value, const std::string& unit, const std::string& ops,
           const std::string& status, const std::string& thread, const std::string& message) const {
    std::string line;
    for (const auto& f : prefix) line += csv_field(f) + ",";
    line += csv_field(metric) + "," + csv_field(value) + "," + csv_field(unit) + "," + csv_field(ops) + "," +
            csv_field(status) + "," + csv_field(thread) + "," + csv_field(message);
    out += line + "\n";
  }
};

}  // namespace

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns{
      "run_id",  "interpreter", "version", "free_threaded_build", "gil_enabled", "benchmark",
      "threads", "process_index", "iteration", "warmup", "metric", "value",
      "unit",    "ops",         "status",  "thread",  "message"};
  return columns;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_text(const ReportModel& model) {
  std::string out;
  {
    std::string header;
    for (const auto& c : csv_columns()) header += (header.empty() ? "" : ",") + c;
    out += header + "\n";
  }
  const auto& cells = model.cells();
  for (const auto& run : model.runs) {
    const auto* info = cells.interpreter(run.interpreter);
    const std::string version = run.child ? run.child->version_text : info ? info->facts().version_text : "";
    const bool ft = run.child ? run.child->free_threaded_build : info && info->free_threaded_build();
    auto prefix = [&](const std::string& iteration, const std::string& warmup, bool gil) {
      return std::vector<std::string>{model.manifest.run_id, run.interpreter, version, boolean(ft), boolean(gil),
                                      run.benchmark, std::to_string(run.threads), std::to_string(run.process_index),
                                      iteration, warmup};
    };
    if (run.status == results::RunStatus::failed) {
      const bool gil = run.child ? run.child->gil_enabled : info ? info->gil_enabled : true;
      RowWriter{out, prefix("", "", gil)}.row("process", "", "", "", "failed", "", run.failure);
      continue;
    }
    for (const auto& it : run.iterations) {
      RowWriter w{out, prefix(std::to_string(it.index), boolean(it.warmup), it.gil_enabled)};
      const std::string ops = std::to_string(it.ops);
      w.row("region_ns", std::to_string(it.region_ns), "ns", ops, "ok", "", "");
      for (const auto& t : it.threads) {
        w.row("thread_wall_ns", std::to_string(t.wall_ns), "ns", ops, "ok", std::to_string(t.index), "");
        w.row("thread_cpu_ns", std::to_string(t.cpu_ns), "ns", ops, "ok", std::to_string(t.index), "");
      }
      for (const auto& c : it.counters) {
        const bool counted = c.status == perf::Status::counted;
        std::string message = c.message;
        if (counted && c.running_fraction > 0 && c.running_fraction < 0.999)
          message = "multiplexed: running " + number(c.running_fraction) + " of the time, value scaled";
        w.row(c.name, counted ? number(c.value) : "", "count", ops, util::name_string(c.status), "", message);
      }
    }
  }
  return out;
}

namespace {

class CsvExporter final : public Exporter {
 public:
  config::OutputFormat format() const override { return config::OutputFormat::csv; }
  std::vector<fs::path> write(const ReportModel& model, const fs::path& run_dir) const override {
    const auto path = run_dir / "results.csv";
    os::write_file_atomically(path, csv_text(model));
    return {path};
  }
};

}  // namespace

std::unique_ptr<Exporter> make_csv_exporter() { return std::make_unique<CsvExporter>(); }

}  // namespace ftbench::report
