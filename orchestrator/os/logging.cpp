#include "os/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "util/error.h"
#include "util/strings.h"

namespace ftbench::os {
namespace {

std::mutex g_log_error_mutex;
std::string g_log_error;

// Messages carry labels, benchmark names, failure reasons and stderr tails: on the terminal
// their control characters are shown as escapes (util::printable), so a child cannot move the
// cursor, retitle the window or forge a line of ours. The level prefix before the message
// holds none, so the colour range the pattern recorded stays where it is.
class PrintableFormatter final : public spdlog::formatter {
 public:
  explicit PrintableFormatter(const std::string& pattern)
      : pattern_(pattern), inner_(std::make_unique<spdlog::pattern_formatter>(pattern)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t raw;
    inner_->format(msg, raw);
    std::string_view line(raw.data(), raw.size());
    const bool eol = !line.empty() && line.back() == '\n';
    if (eol) line.remove_suffix(1);
    const auto safe = util::printable(line);
    dest.append(safe.data(), safe.data() + safe.size());
    if (eol) dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<PrintableFormatter>(pattern_); }

 private:
  std::string pattern_;
  std::unique_ptr<spdlog::pattern_formatter> inner_;
};

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
  console->set_formatter(std::make_unique<PrintableFormatter>("%^%l%$: %v"));
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
