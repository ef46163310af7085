#include "history/identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "analysis/compare.h"
#include "os/digest.h"

namespace ftbench::history {
namespace {

std::string short_hash(const std::string& text) { return os::sha256_hex(text).substr(0, 16); }

std::string kernel_major_minor(const std::string& release) {
  int major = 0, minor = 0;
  std::sscanf(release.c_str(), "%d.%d", &major, &minor);
  return fmt::format("{}.{}", major, minor);
}

}  // namespace

std::string machine_fingerprint(const os::MachineInfo& m) {
  return short_hash(fmt::format("cpu={}|cores={}|arch={}|kernel={}", m.cpu_model, m.physical_cores, m.architecture,
                                kernel_major_minor(m.kernel_release)));
}

std::string machine_description(const os::MachineInfo& m) {
  return fmt::format("{} ({} cores, {}, Linux {})", m.cpu_model.empty() ? "unknown CPU" : m.cpu_model, m.physical_cores,
                     m.architecture, kernel_major_minor(m.kernel_release));
}

std::string interpreter_identity(const plan::TestedInterpreter& t) {
  const auto& i = t.interpreter;
  // The flags as a sorted set without the prefix or --disable-gil (that one is `ft=`).
  auto flags = analysis::configure_flag_differences(i.configure_args, "");
  std::sort(flags.begin(), flags.end());
  std::string env;
  for (const auto& [k, v] : t.env) env += k + "=" + v + ";";
  return short_hash(fmt::format("impl={}|minor={}.{}|ft={}|flags={}|env={}", i.implementation, i.version.major,
                                i.version.minor, i.free_threaded_build ? 1 : 0, fmt::join(flags, " "), env));
}

std::string SeriesIdentity::key() const {
  return fmt::format("{}|m={}|i={}#{}|r={}#{}|b={}#{}|s={}|t={}|{}", util::name(kind), machine, interpreter,
                     interpreter_identity, reference, reference_identity, benchmark, code_hash, size, threads, metric);
}

std::string SeriesIdentity::name() const {
  const std::string who = reference.empty() ? interpreter : interpreter + "/" + reference;
  return fmt::format("{} {} t{} {}", who, benchmark, threads, metric);
}

}  // namespace ftbench::history
