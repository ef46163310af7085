#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "commands/commands.h"
#include "commands/options.h"
#include "report/exporter.h"
#include "report/report.h"
#include "report/terminal_table.h"
#include "results/run_store.h"
#include "util/error.h"
#include "util/logging.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ftbench::commands {

int report_command(const Args& args) {
  bool quiet = false;
  po::options_description opts("orchestrate report RUN_DIR [options]");
  opts.add_options()
      ("format,f", po::value<std::vector<std::string>>()->multitoken(),
       "formats to write: json,csv,markdown,html,pyperf (default: all)")
      ("results-root", po::value<std::vector<std::string>>(),
       "where to regenerate index.html listing every run (default: the run directory's parent)")
      ("quiet,q", po::bool_switch(&quiet), "do not print the summary table")
      ("help,h", "this help");
  po::options_description hidden;
  // Vectors, not strings: GCC 12 warns (falsely) inside boost's typed_value<std::string>.
  hidden.add_options()("run-dir", po::value<std::vector<std::string>>());
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
  util::setup_console_logging("info");
  const fs::path run_dir = vm["run-dir"].as<std::vector<std::string>>().front();
  const auto format_args = vm.count("format") ? vm["format"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const fs::path results_root =
      vm.count("results-root") ? fs::path(vm["results-root"].as<std::vector<std::string>>().back()) : run_dir.parent_path();
  auto store = results::RunStore::open(run_dir);
  auto manifest = store.read_manifest();
  std::vector<std::string> problems;
  auto runs = store.load_runs(&problems);
  for (const auto& p : problems) std::fprintf(stderr, "orchestrate: warning: %s\n", p.c_str());
  store.write_merged(manifest, runs);

  const auto formats = format_args.empty() ? config::output_formats() : report::parse_formats(format_args);
  const auto model = report::build_model(std::move(manifest), std::move(runs));
  const auto outcome = report::write_reports(model, run_dir, formats, results_root);
  if (!quiet) std::fputs(report::summary_table(model).c_str(), stdout);
  std::printf("\n");
  for (const auto& f : outcome.written) std::printf("wrote %s\n", f.c_str());
  for (const auto& e : outcome.errors) std::fprintf(stderr, "orchestrate: error: %s\n", e.c_str());
  return outcome.errors.empty() ? kExitOk : kExitSomeRunsFailed;
}

}  // namespace ftbench::commands
