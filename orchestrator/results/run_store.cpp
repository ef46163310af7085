#include "results/run_store.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "results/codec.h"
#include "util/error.h"
#include "util/files.h"

namespace fs = std::filesystem;

namespace ftbench::results {
namespace {

std::string safe_name(const std::string& id) {
  std::string out;
  for (char c : id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  return out.substr(0, 120);
}

}  // namespace

std::string utc_now_iso8601() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string make_run_id(const std::string& config_name) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string(buf) + (config_name.empty() ? "" : "-" + safe_name(config_name));
}

RunStore RunStore::create(const fs::path& output_root, const std::string& run_id) {
  std::error_code ec;
  fs::path dir = output_root / run_id;
  for (int n = 2; fs::exists(dir, ec); ++n) dir = output_root / (run_id + "-" + std::to_string(n));
  fs::create_directories(dir / "runs", ec);
  if (!ec) fs::create_directories(dir / "logs", ec);
  if (ec) throw UserError("cannot create the results directory " + dir.string() + ": " + ec.message());
  return RunStore(dir);
}

RunStore RunStore::open(const fs::path& run_dir) {
  std::error_code ec;
  if (!fs::exists(run_dir / "manifest.json", ec))
    throw UserError(run_dir.string() + " is not an ftbench run directory (no manifest.json)");
  fs::create_directories(run_dir / "runs", ec);
  fs::create_directories(run_dir / "logs", ec);
  return RunStore(run_dir);
}

fs::path RunStore::child_output(size_t sequence, const char* stream) const {
  return dir_ / "logs" / (std::to_string(sequence) + "." + stream);
}

void RunStore::write_manifest(const Manifest& manifest) const {
  util::write_file_atomically(dir_ / "manifest.json", to_json(manifest));
}

Manifest RunStore::read_manifest() const {
  auto path = dir_ / "manifest.json";
  auto text = util::read_file(path);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError()) throw UserError(path.string() + ": not valid JSON (damaged manifest)");
  try {
    return read_manifest_value(doc);
  } catch (const UserError& e) {
    throw UserError(path.string() + ": " + e.what());
  }
}

void RunStore::save_run(const ProcessRun& run) const {
  char seq[16];
  std::snprintf(seq, sizeof seq, "%06zu", run.sequence);
  util::write_file_atomically(dir_ / "runs" / (std::string(seq) + "-" + safe_name(run.item_id) + ".json"), to_json(run));
}

std::vector<ProcessRun> RunStore::load_runs(std::vector<std::string>* problems) const {
  std::vector<ProcessRun> runs;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_ / "runs", ec))
    if (e.path().extension() == ".json" && e.path().filename().string()[0] != '.') files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    rapidjson::Document doc;
    auto text = util::read_file(f);
    doc.Parse(text.c_str());
    if (doc.HasParseError() || !doc.IsObject()) {
      if (problems) problems->push_back(f.string() + ": not valid JSON, ignored");
      continue;
    }
    runs.push_back(read_process_run(doc));
  }
  return runs;
}

void RunStore::write_merged(const Manifest& manifest, const std::vector<ProcessRun>& runs) const {
  util::write_file_atomically(dir_ / "results.json", merged_json(manifest, runs));
}

}  // namespace ftbench::results
