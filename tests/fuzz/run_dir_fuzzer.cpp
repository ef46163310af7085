// The run-directory readers: manifest.json, results.json and the process files runs/*.json
// (results/run_store.h, results/manifest.h), written from one input (fuzz_support.h) and
// opened the one way every command does (load_run_directory), then taken as far as
// `orchestrate report` takes a stored run: the analysis and analysis.json. Bad files must give
// a UserError naming the file, or a problem line for a process file, never a crash.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "report/analysis_json.h"
#include "report/report_model.h"
#include "results/run_store.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ftbench;
  static fuzz::ScratchRunDirectory scratch;
  const auto& dir = scratch.write(data, size);
  try {
    auto loaded = results::load_run_directory(dir);
    const auto model = report::build_model(std::move(loaded.manifest), std::move(loaded.runs));
    (void)report::analysis_json(model);
  } catch (const UserError&) {
    // refused with a message: what a damaged run directory must get
  }
  return 0;
}
