#include "results/run_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "os/clock.h"
#include "os/files.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace ftbench::results {
namespace {

std::string safe_name(const std::string& id) {
  std::string out;
  for (char c : id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  return out.substr(0, 120);
}

}  // namespace

std::string make_run_id(const std::string& config_name) {
  return os::utc_now_compact() + (config_name.empty() ? "" : "-" + safe_name(config_name));
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
  os::write_file_atomically(dir_ / "manifest.json", json::to_string(manifest));
}

Manifest RunStore::read_manifest() const {
  const auto path = dir_ / "manifest.json";
  std::string error;
  const auto doc = json::parse(os::read_file(path), &error);
  if (!doc) throw UserError(path.string() + ": not valid JSON (" + error + "): damaged manifest");
  Manifest m;
  try {
    from_json(*doc, m);
  } catch (const UserError& e) {
    throw UserError(path.string() + ": " + e.what());
  }
  return m;
}

void RunStore::save_run(const ProcessRun& run) const {
  const auto name = fmt::format("{:06}-{}.json", run.sequence, safe_name(run.item_id));
  os::write_file_atomically(dir_ / "runs" / name, json::to_string(run));
}

std::vector<ProcessRun> RunStore::load_runs(std::vector<std::string>* problems) const {
  std::vector<ProcessRun> runs;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_ / "runs", ec))
    if (e.path().extension() == ".json" && e.path().filename().string()[0] != '.') files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string error;
    const auto doc = json::parse(os::read_file(f), &error);
    if (!doc || !doc->IsObject()) {
      if (problems) problems->push_back(f.string() + ": not valid JSON (" + error + "), ignored");
      continue;
    }
    ProcessRun run;
    json::read(*doc, run);
    runs.push_back(std::move(run));
  }
  return runs;
}

void RunStore::write_merged(const Manifest& manifest, const std::vector<ProcessRun>& runs) const {
  os::write_file_atomically(dir_ / "results.json", merged_json(manifest, runs));
}

LoadedRun load_run_directory(const fs::path& run_dir) {
  auto store = RunStore::open(run_dir);
  auto manifest = store.read_manifest();
  std::vector<std::string> problems;
  auto runs = store.load_runs(&problems);
  if (manifest.run_id.empty()) manifest.run_id = run_dir.filename().string();
  return LoadedRun{std::move(store), std::move(manifest), std::move(runs), std::move(problems)};
}

}  // namespace ftbench::results
