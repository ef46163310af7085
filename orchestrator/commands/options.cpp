#include "commands/options.h"

#include <iostream>

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

po::typed_value<std::vector<std::string>>* text_value() { return po::value<std::vector<std::string>>(); }

std::optional<std::string> text_option(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  const auto& values = vm[name].as<std::vector<std::string>>();
  if (values.empty()) return std::nullopt;
  return values.back();
}

}  // namespace ftbench::commands
