#include "commands/options.h"

#include <algorithm>
#include <iostream>

#include "util/strings.h"

namespace po = boost::program_options;

namespace ftbench::commands {

std::optional<po::variables_map> parse_options(const Args& args, const po::options_description& visible,
                                               std::string_view epilog, const po::options_description* hidden,
                                               const po::positional_options_description* positional) {
  po::options_description all;
  all.add(visible);
  if (hidden) all.add(*hidden);
  po::command_line_parser parser(args);
  parser.options(all);
  if (positional) parser.positional(*positional);
  po::variables_map vm;
  po::store(parser.run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << epilog;
    return std::nullopt;
  }
  return vm;
}

std::pair<Args, Args> split_script_args(const Args& args) {
  const auto dd = std::find(args.begin(), args.end(), "--");
  if (dd == args.end()) return {args, {}};
  return {Args(args.begin(), dd), Args(dd + 1, args.end())};
}

void add_run_options(po::options_description& opts, CommonFlags& f) {
  opts.add_options()
      ("config,c", text_value(), "YAML config (default: configs/default.yaml of the source tree)")
      ("profile", text_value(), "counters: none | basic | detailed")
      ("threads", po::value<std::vector<std::string>>()->multitoken(), "thread counts, e.g. --threads 1 2 ncpu")
      ("python", po::value<std::vector<std::string>>()->multitoken(),
       "interpreters instead of the config's: paths, versions (3.12, 3.13t), newest-free-threaded, "
       "before-free-threading")
      ("output,o", text_value(), "results root directory (a run directory is created inside)")
      ("repetitions", text_value(), "processes per (interpreter, benchmark, threads), exactly: the config's adaptive target_rel_ci is off")
      ("warmups", text_value(), "warm-up iterations per process")
      ("iterations", text_value(), "measured iterations per process")
      ("size", text_value(), "problem size: default | quick | a number")
      ("timeout", text_value(), "how long one interpreter process may take before it is killed (90, 5m)")
      ("limit", po::value<std::vector<std::string>>()->multitoken(),
       "per-process limits over the config's limits:, e.g. --limit memory=2G log=1M open_files=256 (unlimited: none)")
      ("dry-run", po::bool_switch(&f.dry_run), "print the plan and an estimated duration, run nothing")
      ("workloads-dir", text_value(), "the workloads/ folder (default: the source tree's)")
      ("history", text_value(), "the history database finished runs are stored in (default: <output>/history.sqlite)")
      ("no-history", po::bool_switch(&f.overrides.no_history), "do not store this run in the history")
      ("log-level", text_value(), "trace|debug|info|warn|error (default: info)")
      ("help,h", "this help");
}

void read_run_options(const po::variables_map& vm, CommonFlags& f) {
  if (auto v = text_option(vm, "config")) f.config_file = *v;
  f.overrides.profile = text_option(vm, "profile");
  if (vm.count("threads")) f.overrides.threads = vm["threads"].as<std::vector<std::string>>();
  if (vm.count("limit")) f.overrides.limits = vm["limit"].as<std::vector<std::string>>();
  if (vm.count("python")) f.overrides.pythons = vm["python"].as<std::vector<std::string>>();
  if (auto v = text_option(vm, "output")) f.overrides.output = *v;
  f.overrides.processes = text_option(vm, "repetitions");
  f.overrides.size = text_option(vm, "size");
  f.overrides.timeout = text_option(vm, "timeout");
  f.overrides.warmups = text_option(vm, "warmups");
  f.overrides.iterations = text_option(vm, "iterations");
  if (auto v = text_option(vm, "workloads-dir")) f.workloads_dir = *v;
  if (auto v = text_option(vm, "history")) f.overrides.history = *v;
  f.log_level = text_option(vm, "log-level").value_or("info");
  // Comma lists are accepted too: --threads 1,2,4
  for (auto* list : {&f.overrides.threads, &f.overrides.pythons, &f.overrides.benchmarks})
    *list = util::split_commas(*list);
}


po::typed_value<std::vector<std::string>>* text_value() { return po::value<std::vector<std::string>>(); }

std::optional<std::string> text_option(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  const auto& values = vm[name].as<std::vector<std::string>>();
  if (values.empty()) return std::nullopt;
  return values.back();
}

}  // namespace ftbench::commands
