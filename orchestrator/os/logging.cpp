#include "os/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "util/error.h"

namespace ftbench::os {

void setup_console_logging(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw UserError("--log-level must be trace, debug, info, warn, error or off, not '" + level + "'");
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_level(lvl);
  console->set_pattern("%^%l%$: %v");
  auto logger = std::make_shared<spdlog::logger>("ftbench", console);
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void add_log_file(const std::filesystem::path& file) {
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string());
    sink->set_level(spdlog::level::debug);
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    spdlog::default_logger()->sinks().push_back(sink);
    spdlog::default_logger()->flush_on(spdlog::level::info);
  } catch (const spdlog::spdlog_ex& e) {
    throw UserError("cannot open the log file " + file.string() + ": " + e.what());
  }
}

}  // namespace ftbench::os
