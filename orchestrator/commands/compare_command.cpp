#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "commands/commands.h"
#include "commands/options.h"
#include "report/analysis_json.h"
#include "report/run_compare.h"
#include "report/terminal_table.h"
#include "util/error.h"
#include "os/logging.h"
#include "util/strings.h"

namespace po = boost::program_options;

namespace ftbench::commands {

int compare_command(const Args& args) {
  bool markdown = false, json = false;
  po::options_description opts("orchestrate compare RUN_A RUN_B [options]");
  opts.add_options()
      ("markdown", po::bool_switch(&markdown), "print GitHub Markdown instead of a text table")
      ("json", po::bool_switch(&json), "print JSON (ratios, intervals, p-values) instead of a text table")
      ("help,h", "this help");
  po::options_description hidden;
  hidden.add_options()("runs", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("runs", 2);
  auto parsed = parse_options(
      args, opts,
      "\nCompares run B against run A (e.g. last night vs tonight) for every (interpreter label,\n"
      "benchmark, threads) in both: B / A ratio of median times per operation, its 95% interval\n"
      "and a Mann-Whitney U test at 5%.\n",
      &hidden, &pos);
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  const auto runs = vm.count("runs") ? vm["runs"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (runs.size() != 2) throw UserError("compare needs two run directories: orchestrate compare RUN_A RUN_B");
  if (markdown && json) throw UserError("choose one of --markdown and --json");
  os::setup_console_logging("info");
  const auto comparison = report::compare_run_dirs(runs[0], runs[1]);
  const auto text = json       ? report::run_comparison_json(comparison)
                    : markdown ? report::run_comparison_markdown(comparison)
                               : report::run_comparison_text(comparison);
  std::fputs(util::printable(text, true).c_str(), stdout);  // labels: no raw control characters
  return kExitOk;
}

}  // namespace ftbench::commands
