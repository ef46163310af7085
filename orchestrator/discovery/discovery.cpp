#include "discovery/discovery.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <future>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "util/error.h"

namespace fs = std::filesystem;

namespace ftbench::discovery {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

void add_pythons_in(const fs::path& bin, Source source, std::vector<Candidate>& out) {
  // Most specific name first (python3.13t, python3.13, then python3): of several names for
  // one binary, the first is kept.
  auto entries = sorted_entries(bin);
  std::stable_sort(entries.begin(), entries.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string().size() > b.filename().string().size();
  });
  for (const auto& p : entries) {
    std::error_code ec;
    if (looks_like_python3(p.filename().string()) && fs::is_regular_file(p, ec)) out.push_back({p, source});
  }
}

}  // namespace

bool looks_like_python3(const std::string& filename) {
  static const std::regex pattern(R"(python3(\.[0-9]+t?)?)");
  return std::regex_match(filename, pattern);
}

SearchRoots SearchRoots::from_environment() {
  SearchRoots roots;
  const std::string home = env_or("HOME", "/root");
  const fs::path pyenv_root = env_or("PYENV_ROOT", home + "/.pyenv");
  std::stringstream path_list(env_or("PATH", "/usr/local/bin:/usr/bin:/bin"));
  for (std::string dir; std::getline(path_list, dir, ':');) {
    // pyenv shims are shell scripts that dispatch by the current directory's version file;
    // the real interpreters are found under versions/ instead.
    if (dir.empty() || fs::path(dir) == pyenv_root / "shims") continue;
    roots.path_dirs.emplace_back(dir);
  }
  roots.pyenv_versions = pyenv_root / "versions";
  roots.uv_pythons = env_or("UV_PYTHON_INSTALL_DIR", env_or("XDG_DATA_HOME", home + "/.local/share") + "/uv/python");
  roots.system_dirs = {"/usr/bin", "/usr/local/bin"};
  roots.provision_cache = fs::path(env_or("XDG_CACHE_HOME", home + "/.cache")) / "ftbench" / "python";
  return roots;
}

std::vector<Candidate> find_candidates(const SearchRoots& roots) {
  std::vector<Candidate> out;
  for (const auto& install : sorted_entries(roots.provision_cache))
    for (const char* flavour : {"gil", "nogil"}) add_pythons_in(install / flavour / "bin", Source::provisioned, out);
  for (const auto& version : sorted_entries(roots.pyenv_versions)) add_pythons_in(version / "bin", Source::pyenv, out);
  for (const auto& install : sorted_entries(roots.uv_pythons)) add_pythons_in(install / "bin", Source::uv, out);
  for (const auto& dir : roots.path_dirs) add_pythons_in(dir, Source::path, out);
  for (const auto& dir : roots.system_dirs) add_pythons_in(dir, Source::system, out);
  return out;
}

DiscoveryResult discover(const SearchRoots& roots) {
  auto candidates = find_candidates(roots);
  // Symlinks and hard links to one file (python3 -> python3.12) need one probe, not two.
  std::set<std::pair<dev_t, ino_t>> seen_files;
  std::vector<size_t> to_probe;
  for (size_t i = 0; i < candidates.size(); ++i) {
    struct stat st {};
    if (::stat(candidates[i].path.c_str(), &st) != 0 || seen_files.emplace(st.st_dev, st.st_ino).second)
      to_probe.push_back(i);
  }

  // Probes are independent process start-ups: run a few at a time.
  struct Outcome {
    std::optional<Interpreter> facts;
    std::string error;
  };
  std::vector<Outcome> outcomes(candidates.size());
  const size_t width = 8;
  for (size_t start = 0; start < to_probe.size(); start += width) {
    std::vector<std::future<void>> batch;
    for (size_t j = start; j < std::min(start + width, to_probe.size()); ++j) {
      size_t i = to_probe[j];
      batch.push_back(std::async(std::launch::async, [&, i] {
        try {
          outcomes[i].facts = probe_interpreter(candidates[i].path, candidates[i].source);
        } catch (const std::exception& e) {
          outcomes[i].error = e.what();
        }
      }));
    }
    for (auto& f : batch) f.get();
  }

  DiscoveryResult result;
  std::set<fs::path> seen_executables;
  for (size_t i : to_probe) {
    if (!outcomes[i].facts) {
      result.rejected.push_back({candidates[i].path, outcomes[i].error});
      continue;
    }
    // Distinct names can still be one interpreter (pyenv's bin/python3 and a PATH entry).
    if (seen_executables.insert(outcomes[i].facts->executable).second)
      result.interpreters.push_back(std::move(*outcomes[i].facts));
  }
  return result;
}

std::string InterpreterQuery::describe() const {
  std::string text = version ? version->text() : std::string("any version");
  if (free_threaded) text += *free_threaded ? " free-threaded" : " with the GIL";
  if (source) text += " from " + util::name_string(*source);
  return text;
}

std::optional<Interpreter> select(const std::vector<Interpreter>& found, const InterpreterQuery& query) {
  const Interpreter* best = nullptr;
  auto better = [](const Interpreter& a, const Interpreter& b) {
    bool a_prov = a.source == Source::provisioned, b_prov = b.source == Source::provisioned;
    if (a_prov != b_prov) return a_prov;
    return a.version > b.version;
  };
  for (const auto& f : found) {
    if (query.version && !query.version->matches(f.version)) continue;
    if (query.free_threaded && f.free_threaded_build != *query.free_threaded) continue;
    if (query.source && f.source != *query.source) continue;
    if (!best || better(f, *best)) best = &f;
  }
  if (!best) return std::nullopt;
  return *best;
}

}  // namespace ftbench::discovery
