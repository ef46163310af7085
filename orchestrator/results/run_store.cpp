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

// manifest.json or results.json read as a manifest (results.json's "runs" are not looked at).
struct ManifestFile {
  bool exists = false;
  std::optional<Manifest> manifest;  // absent: damaged (or missing)
  std::string problem;               // why it is unusable: "missing", "empty", "not valid JSON (...)"
};

ManifestFile read_manifest_file(const fs::path& path) {
  ManifestFile file;
  std::error_code ec;
  file.exists = fs::exists(path, ec);
  if (!file.exists) {
    file.problem = "missing";
    return file;
  }
  std::string text;
  try {
    text = os::read_file(path);
  } catch (const UserError& e) {
    file.problem = e.what();
    return file;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    file.problem = "empty";
    return file;
  }
  std::string error;
  const auto doc = json::parse(text, &error);
  if (!doc) {
    file.problem = "not valid JSON (" + error + ")";
    return file;
  }
  Manifest m;
  try {
    from_json(*doc, m);
  } catch (const UserError& e) {
    // A newer schema is not damage: refused as ever, the other file cannot be older-and-better.
    if (int version = 0; doc->IsObject() && json::get(*doc, "schema_version", version) && version > kSchemaVersion)
      throw UserError(path.string() + ": " + e.what());
    file.problem = e.what();
    return file;
  }
  file.manifest = std::move(m);
  return file;
}

// Moves a damaged file aside rather than destroying it: "manifest.json.damaged-20261130-221500".
std::string keep_aside(const fs::path& path) {
  const auto base = path.filename().string() + ".damaged-" + os::utc_now_compact();
  std::error_code ec;
  fs::path aside = path.parent_path() / base;
  for (int n = 2; fs::exists(aside, ec); ++n) aside = path.parent_path() / (base + "-" + std::to_string(n));
  fs::rename(path, aside, ec);
  if (ec) os::throw_storage_error(aside, ec.value());
  return aside.filename().string();
}

// "20261130-221500-smoke" -> "smoke": the config a run directory was made from.
std::string config_name_of(const std::string& run_id) {
  return run_id.size() > 16 && run_id[8] == '-' && run_id[15] == '-' ? run_id.substr(16) : "";
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
  if (ec) os::throw_storage_error(dir, ec.value());
  return RunStore(dir);
}

RunStore RunStore::open(const fs::path& run_dir) {
  std::error_code ec;
  if (!fs::exists(run_dir / "manifest.json", ec) && !fs::exists(run_dir / "results.json", ec))
    throw UserError(run_dir.string() + " is not an ftbench run directory (no manifest.json)");
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
  auto file = read_manifest_file(path);
  if (!file.manifest) throw UserError(path.string() + ": " + file.problem + ": damaged manifest");
  return std::move(*file.manifest);
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

LoadedRun load_run_directory(const fs::path& run_dir, RunAccess access) {
  auto store = RunStore::open(run_dir);
  const bool repair = access == RunAccess::repair;
  if (repair) {
    std::error_code ec;
    fs::create_directories(run_dir / "runs", ec);
    fs::create_directories(run_dir / "logs", ec);
    os::remove_stale_temporaries(run_dir, true);
  }
  std::vector<std::string> problems;
  const auto manifest_path = run_dir / "manifest.json";
  auto manifest = read_manifest_file(manifest_path);
  // results.json is read when it is needed (a damaged manifest) or may need repairing.
  ManifestFile merged;
  if (!manifest.manifest || repair) merged = read_manifest_file(run_dir / "results.json");
  if (!manifest.manifest && !merged.manifest) {
    const auto runs = store.load_runs();
    const auto config = config_name_of(run_dir.filename().string());
    throw UserError(fmt::format(
        "{}: manifest.json is {} and results.json is {}, so the run's plan is lost; nothing was changed: the {} "
        "process result(s) in runs/ are intact, but the run cannot be resumed or reported: run its config{} again",
        run_dir.string(), manifest.problem, merged.exists ? "damaged too (" + merged.problem + ")" : "missing",
        runs.size(), config.empty() ? "" : " (" + config + ")"));
  }
  if (!manifest.manifest) {
    if (repair) {
      const auto aside = manifest.exists ? " (the damaged file is kept as " + keep_aside(manifest_path) + ")" : "";
      store.write_manifest(*merged.manifest);
      problems.push_back(manifest_path.string() + " was " + manifest.problem + ": rebuilt from results.json" + aside);
    } else {
      problems.push_back(manifest_path.string() + " is " + manifest.problem + ": read from results.json instead (`orchestrate report " +
                         run_dir.string() + "` rebuilds it)");
    }
    manifest.manifest = std::move(merged.manifest);
  }
  auto runs = store.load_runs(&problems);
  if (repair && merged.exists && !merged.manifest) {
    const auto aside = keep_aside(run_dir / "results.json");
    store.write_merged(*manifest.manifest, runs);
    problems.push_back((run_dir / "results.json").string() + " was damaged (" + merged.problem +
                       "): rebuilt from manifest.json and runs/ (the damaged file is kept as " + aside + ")");
  }
  if (manifest.manifest->run_id.empty()) manifest.manifest->run_id = run_dir.filename().string();
  return LoadedRun{std::move(store), std::move(*manifest.manifest), std::move(runs), std::move(problems)};
}

}  // namespace ftbench::results
