#include <boost/program_options.hpp>
#include <iostream>

#include "commands/commands.h"
#include "commands/options.h"
#include "commands/run_pipeline.h"
#include "util/error.h"
#include "util/strings.h"

namespace po = boost::program_options;

namespace ftbench::commands {
int run_command(const Args& args) {
  CommonFlags flags;
  po::options_description opts("orchestrate [run] [options]");
  add_run_options(opts, flags);
  opts.add_options()
      ("benchmarks,b", po::value<std::vector<std::string>>()->multitoken(),
       "suite globs, e.g. 'memory/ordering/*' (replaces the config's selection)")
      ("resume", text_value(), "complete an interrupted run directory without redoing finished items");
  auto parsed = parse_options(args, opts);
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  if (vm.count("benchmarks")) flags.overrides.benchmarks = vm["benchmarks"].as<std::vector<std::string>>();
  read_run_options(vm, flags);

  auto request = request_from_flags(flags, "orchestrate", args);
  if (vm.count("resume")) {
    if (flags.config_file || !flags.overrides.pythons.empty() || !flags.overrides.benchmarks.empty() ||
        !flags.overrides.threads.empty())
      throw UserError("--resume continues a run exactly as planned; it takes no --config/--python/--benchmarks/--threads");
    request.resume_dir = *text_option(vm, "resume");
  } else {
    request.config = load_with_overrides(flags);
  }
  return run_pipeline(request);
}

int script_command(const Args& args) {
  const auto [ours, script_args] = split_script_args(args);
  CommonFlags flags;
  po::options_description opts("orchestrate script PATH [options] [-- ARGS]");
  add_run_options(opts, flags);
  opts.add_options()("script", text_value(), "the Python script to run under the harness");
  po::positional_options_description pos;
  pos.add("script", 1);
  auto parsed = parse_options(
      ours, opts,
      "\nThe script's body is the timed region; with --threads N it runs in N threads at once\n"
      "(FTBENCH_THREADS=N is set for it). Counters, repetitions and outputs are those of a suite run.\n",
      nullptr, &pos);
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  if (!vm.count("script")) throw UserError("orchestrate script needs the path of a Python script");
  read_run_options(vm, flags);
  const auto bench = harness::script_benchmark(*text_option(vm, "script"), script_args);
  const std::filesystem::path path = bench.script_path;

  auto request = request_from_flags(flags, "orchestrate script", args);
  request.config = load_with_overrides(flags);
  request.script = bench;
  if (request.config->name.empty() || request.config->source_file.stem() == "default")
    request.config->name = "script-" + path.stem().string();
  return run_pipeline(request);
}

}  // namespace ftbench::commands
