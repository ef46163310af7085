#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "commands/commands.h"
#include "commands/options.h"
#include "commands/run_pipeline.h"
#include "os/files.h"
#include "report/report.h"
#include "report/terminal_table.h"
#include "results/run_store.h"
#include "util/error.h"
#include "os/logging.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ftbench::commands {

int report_command(const Args& args) {
  bool quiet = false;
  po::options_description opts("orchestrate report RUN_DIR [options]");
  opts.add_options()
      ("format,f", po::value<std::vector<std::string>>()->multitoken(),
       "formats to write: json,csv,markdown,html,pyperf (default: all)")
      ("results-root", text_value(),
       "where to regenerate index.html listing every run (default: the run directory's parent)")
      ("quiet,q", po::bool_switch(&quiet), "do not print the summary table")
      ("help,h", "this help");
  po::options_description hidden;
  hidden.add_options()("run-dir", text_value());
  po::positional_options_description pos;
  pos.add("run-dir", 1);
  auto parsed = parse_options(
      args, opts,
      "\nRebuilds results.json from runs/ and rewrites the chosen outputs from the stored results:\n"
      "analysis.json, results.csv, summary.md, dashboard.html, pyperf/<interpreter>.json.\n",
      &hidden, &pos);
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  if (!vm.count("run-dir")) throw UserError("report needs a run directory: orchestrate report results/<run-id>");
  os::setup_console_logging("info");
  const fs::path run_dir = *text_option(vm, "run-dir");
  const auto format_args = vm.count("format") ? vm["format"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const fs::path results_root =
      text_option(vm, "results-root").value_or(run_dir.parent_path().string());
  std::vector<config::OutputFormat> formats = config::all_output_formats();
  if (!format_args.empty()) {
    try {
      formats = config::parse_output_formats(format_args);
    } catch (const std::invalid_argument& e) {
      throw UserError(std::string("--format: ") + e.what());
    }
  }
  // report writes into the run directory, so it takes the run's lock: a report beside a running
  // orchestrate (or its --resume) could replace the final results.json with an older snapshot.
  // A directory it cannot write still gets its summary on stdout, then the one-line refusal.
  const auto opened = results::RunStore::open(run_dir);
  std::optional<os::StorageError> unwritable;
  try {
    os::probe_writable(run_dir);
  } catch (const os::StorageError& e) {
    unwritable = e;
  }
  std::optional<os::FileLock> lock;
  if (!unwritable) lock.emplace(lock_run_directory(opened, join_command_line("orchestrate report", args)));
  auto loaded = results::load_run_directory(run_dir, unwritable ? results::RunAccess::read : results::RunAccess::repair);
  for (const auto& p : loaded.problems) fmt::print(stderr, "orchestrate: warning: {}\n", p);
  if (unwritable) {
    const auto model = report::build_model(std::move(loaded.manifest), std::move(loaded.runs));
    if (!quiet) std::fputs(report::summary_table(model).c_str(), stdout);
    throw unwritable->with_advice("no report was written (the summary above is from its stored results): make it "
                                  "writable, or copy the run directory elsewhere and report that copy");
  }
  loaded.store.write_merged(loaded.manifest, loaded.runs);
  const auto model = report::build_model(std::move(loaded.manifest), std::move(loaded.runs));
  const auto outcome = report::write_reports(model, run_dir, formats, results_root);
  if (!quiet) std::fputs(report::summary_table(model).c_str(), stdout);
  std::printf("\n");
  for (const auto& f : outcome.written) fmt::print("wrote {}\n", f.string());
  for (const auto& e : outcome.errors) fmt::print(stderr, "orchestrate: error: {}\n", e);
  return outcome.errors.empty() ? kExitOk : kExitSomeRunsFailed;
}

}  // namespace ftbench::commands
