#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <utility>
#include <string>
#include <vector>
#include <string_view>

#include "commands/commands.h"
#include "commands/run_pipeline.h"

namespace ftbench::commands {

// What every subcommand does with its arguments: parse `visible` (plus `hidden` options such
// as positional run directories), and on --help print `visible` and `epilog` and return
// nullopt, after which the command exits 0. Parse errors throw boost's error (cli::run prints it).
std::optional<boost::program_options::variables_map> parse_options(
    const Args& args, const boost::program_options::options_description& visible, std::string_view epilog = {},
    const boost::program_options::options_description* hidden = nullptr,
    const boost::program_options::positional_options_description* positional = nullptr);

// Everything after "--" belongs to a script: (ours, the script's).
std::pair<Args, Args> split_script_args(const Args& args);

// The flags `run`, `script` and `nightly` share (config file and its overrides), declared and
// read in one place; `f` receives the switches.
void add_run_options(boost::program_options::options_description& opts, CommonFlags& f);
void read_run_options(const boost::program_options::variables_map& vm, CommonFlags& f);

// A single-text option. Stored as a vector (the last occurrence wins): GCC 12 warns, falsely,
// inside boost's typed_value<std::string>.
boost::program_options::typed_value<std::vector<std::string>>* text_value();
std::optional<std::string> text_option(const boost::program_options::variables_map& vm, const char* name);

}  // namespace ftbench::commands
