// The noise floor and the stability verdict as every report shows them: one floor line, "!"
// only on cells noisier than the floor, each with its cause, what to do, and pyperf's fixed
// rules kept in the details.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "os/files.h"
#include "report/analysis_json.h"
#include "report/exporter.h"
#include "report/report_model.h"
#include "report/tables.h"
#include "report/terminal_table.h"
#include "synthetic_run.h"
#include "../test_support.h"

namespace ftbench::report {
namespace {

constexpr auto npos = std::string::npos;

ReportModel noisy_model() {
  const auto run = testing::noisy_run();
  auto model = build_model(run.manifest(), run.runs());
  // The system check the run started with: the governor was left at powersave.
  os::SystemCheck check;
  check.items.push_back({"governor", os::CheckStatus::warning, "powersave on CPUs 0-7",
                         "sudo orchestrate doctor --tune, or: echo performance | sudo tee ..."});
  check.items.push_back({"turbo", os::CheckStatus::not_applicable, "not exposed", ""});
  model.manifest.machine.system_check = check;
  return model;
}

TEST(Stability, OneFloorLineAndMarksOnlyOnCellsNoisierThanIt) {
  const auto model = noisy_model();
  const auto& noise = model.analysis.noise;
  ASSERT_GE(noise.flagged(), 3u);
  const auto text = summary_table(model);
  EXPECT_NE(text.find("\nNoise floor: a process's median varies "), npos) << text;
  EXPECT_NE(text.find("at 6 processes per side this run resolves differences of 1."), npos);
  EXPECT_NE(text.find("Stability: " + std::to_string(noise.flagged()) + " of " + std::to_string(noise.cells.size()) +
                      " cells are noisier than the noise floor"),
            npos);
  EXPECT_NE(text.find("pyperf's fixed rules warn on"), npos);
  // "!" in the time table exactly where a cell is flagged.
  const auto table = time_table(model).plain("");
  EXPECT_EQ(static_cast<size_t>(std::count(table.begin(), table.end(), '!')), noise.flagged());
  // Each flagged cell with its cause.
  EXPECT_NE(text.find("! noisy/slow_process 3.13 threads=1: process-to-process CV"), npos);
  EXPECT_NE(text.find("process 2 ran 1.7"), npos) << text;  // 1.6x on top of its own 3 % process effect
  EXPECT_NE(text.find("bimodal: 4 of 8 processes ran 1."), npos);
  EXPECT_NE(text.find("the slowest process, 1, moved between CPUs 60 times per iteration, the others 2"), npos) << text;
  // What to do: the system check's fix for the floor, more processes for the resolution.
  EXPECT_NE(text.find("to do: lower the floor: governor: sudo orchestrate doctor --tune"), npos);
  EXPECT_NE(text.find("to do: flagged cells"), npos);
}

TEST(Stability, SummaryMdKeepsPyperfsRulesAndAnalysisJsonCarriesTheFloor) {
  const auto model = noisy_model();
  testing::TempDir dir;
  const auto md = os::read_file(make_exporter(config::OutputFormat::markdown)->write(model, dir.path()).at(0));
  EXPECT_NE(md.find("## Stability\n\nNoise floor:"), npos);
  EXPECT_NE(md.find("Noisier than the floor:"), npos);
  EXPECT_NE(md.find("pyperf's fixed rules, per cell"), npos);

  const auto text = analysis_json(model, {false, false});
  rapidjson::Document d;
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError());
  const auto& noise = d["noise"];
  EXPECT_TRUE(noise["measured"].GetBool());
  EXPECT_EQ(noise["cells_flagged"].GetUint64(), model.analysis.noise.flagged());
  EXPECT_EQ(std::string(noise["display"]["floor"].GetString()), describe_noise_floor(model.analysis.noise));
  EXPECT_GE(noise["display"]["advice"].Size(), 1u);
  size_t flagged = 0;
  for (const auto& c : d["cells"].GetArray()) {
    ASSERT_TRUE(c["noise"].IsObject());  // every cell has 6 or 8 processes
    if (c["noise"]["flagged"].GetBool()) {
      ++flagged;
      EXPECT_GT(c["noise"]["causes"].Size(), 0u) << c["benchmark"].GetString();
    }
    EXPECT_TRUE(c["time"]["warnings"].IsArray());  // pyperf's, still there
  }
  EXPECT_EQ(flagged, model.analysis.noise.flagged());
}

TEST(Stability, TheFloorLineInWords) {
  analysis::NoiseFloor n;
  EXPECT_EQ(describe_noise_floor(n),
            "Noise floor: not measured: every cell ran one process, and process-to-process noise needs two or more "
            "(`--repetitions 6` or more)");
  n.measured = true;
  n.floor_cv = 0.088;
  n.processes = 3;
  n.processes_to_resolve = 56;
  n.interpreters = {{"3.13", 20, false, 0.081, 0.2, 0.07}, {"3.13t", 20, false, 0.12, 0.3, 0.07},
                    {"3.12", 2, true, 0.088, 0.1, 0.07}};
  EXPECT_EQ(describe_noise_floor(n),
            "Noise floor: a process's median varies 8.8% from process to process (3.13 8.1%, 3.13t 12%); at 3 "
            "processes per side no difference can be significant (4 are the fewest); about 56 per side would resolve "
            "1.05x");
  n.processes = 10;
  n.min_detectable_ratio = 1.134;
  EXPECT_EQ(describe_noise_floor(n),
            "Noise floor: a process's median varies 8.8% from process to process (3.13 8.1%, 3.13t 12%); at 10 "
            "processes per side this run resolves differences of 1.14x or more (80% power, 5% level); about 56 per "
            "side would resolve 1.05x");
  analysis::NoiseCauseFound slow{analysis::NoiseCause::outlying_process, 1.62, 0, 2, 0, 0};
  EXPECT_EQ(describe_noise_cause(slow), "process 2 ran 1.62x slower than the others");
  slow.value = 0.5;
  EXPECT_EQ(describe_noise_cause(slow), "process 2 ran 2.00x faster than the others");
}

}  // namespace
}  // namespace ftbench::report
