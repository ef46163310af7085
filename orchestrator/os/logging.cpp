#include "os/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "util/error.h"

namespace ftbench::os {
namespace {

std::mutex g_log_error_mutex;
std::string g_log_error;

}  // namespace

std::string log_file_error() {
  std::lock_guard lock(g_log_error_mutex);
  return g_log_error;
}

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
    {
      std::lock_guard lock(g_log_error_mutex);
      g_log_error.clear();
    }
    // spdlog reports a failed write through this handler (else a "LOG ERROR" line on stderr).
    spdlog::default_logger()->set_error_handler([](const std::string& message) {
      std::lock_guard lock(g_log_error_mutex);
      if (g_log_error.empty()) g_log_error = message;
    });
  } catch (const spdlog::spdlog_ex& e) {
    throw UserError("cannot open the log file " + file.string() + ": " + e.what());
  }
}

}  // namespace ftbench::os
