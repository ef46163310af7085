#include "report/analysis_json.h"
#include "report/exporter.h"
#include "results/manifest.h"
#include "os/files.h"

namespace fs = std::filesystem;

namespace ftbench::report {
namespace {

// results.json (the raw results, rebuilt from what is stored) and analysis.json (statistics).
class JsonExporter final : public Exporter {
 public:
  config::OutputFormat format() const override { return config::OutputFormat::json; }
  std::vector<fs::path> write(const ReportModel& model, const fs::path& run_dir) const override {
    const auto results = run_dir / "results.json";
    const auto analysis = run_dir / "analysis.json";
    os::write_file_atomically(results, results::merged_json(model.manifest, model.runs));
    os::write_file_atomically(analysis, analysis_json(model));
    return {results, analysis};
  }
};

}  // namespace

std::unique_ptr<Exporter> make_json_exporter() { return std::make_unique<JsonExporter>(); }

}  // namespace ftbench::report
