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
  switch (rule) {
    case VersionRule::newest_free_threaded:
      return free_threaded.value_or(true) ? "the newest free-threaded CPython"
                                          : "the default build of the newest free-threaded CPython's version";
    case VersionRule::before_free_threading:
      return "the newest CPython before free-threading (older than " + std::to_string(kFirstFreeThreaded.major) + "." +
             std::to_string(kFirstFreeThreaded.minor) + ")";
    case VersionRule::spec:
      break;
  }
  std::string text = version ? version->text() : std::string("any version");
  if (free_threaded) text += *free_threaded ? " free-threaded" : " with the GIL";
  if (source) text += " from " + util::name_string(*source);
  return text;
}

namespace {

bool is_provisioned(const Interpreter& i) { return i.source == Source::provisioned; }

// Of two builds of one kind, the newer release, then the later build (a source tree's
// nightly builds share a version).
int newer(const Interpreter& a, const Interpreter& b) {
  if (const int c = compare_releases(a.version_text, b.version_text)) return c;
  return a.built_at.compare(b.built_at);
}

std::string minor_text(const PythonVersion& v) { return std::to_string(v.major) + "." + std::to_string(v.minor); }

// "3.13.5t (provisioned pair 3.13.5-plain-3eebce1086a3, /root/.cache/...)": what and where.
std::string who(const Interpreter& i) {
  std::string origin;
  if (const auto install = i.provisioned_install(); !install.empty())
    origin = "provisioned pair " + install.filename().string();
  else
    origin = i.source ? util::name_string(*i.source) : std::string("explicit path");
  if (!i.source_commit.empty()) origin += ", commit " + short_commit(i.source_commit);
  return i.short_name() + " (" + origin + ", " + i.path.string() + ")";
}

bool source_ok(const Interpreter& i, const InterpreterQuery& q) { return !q.source || i.source == *q.source; }

// The default build installed beside a provisioned free-threaded one: same source and flags.
const Interpreter* partner_of(const std::vector<Interpreter>& found, const Interpreter& ft) {
  const auto install = ft.provisioned_install();
  if (install.empty()) return nullptr;
  for (const auto& i : found)
    if (!i.free_threaded_build && i.provisioned_install() == install) return &i;
  return nullptr;
}

// "Newest" queries rank the feature release (major.minor) first, then a fair build (a
// provisioned pair, or any provisioned build) before a newer patch release, then the newest
// release and build. `extra` ranks before provisioned (the pair check for free-threaded builds).
template <class Keep, class Extra>
const Interpreter* newest(const std::vector<Interpreter>& found, Keep keep, Extra extra) {
  const Interpreter* best = nullptr;
  auto better = [&](const Interpreter& a, const Interpreter& b) {
    if (a.version.major != b.version.major || a.version.minor != b.version.minor)
      return std::pair(a.version.major, a.version.minor) > std::pair(b.version.major, b.version.minor);
    if (extra(a) != extra(b)) return extra(a);
    if (is_provisioned(a) != is_provisioned(b)) return is_provisioned(a);
    return newer(a, b) > 0;
  };
  for (const auto& i : found)
    if (keep(i) && (!best || better(i, *best))) best = &i;
  return best;
}

const Interpreter* newest_free_threaded(const std::vector<Interpreter>& found, const InterpreterQuery& q) {
  return newest(
      found, [&](const Interpreter& i) { return i.free_threaded_build && source_ok(i, q); },
      [&](const Interpreter& i) { return partner_of(found, i) != nullptr; });
}

// The default build to compare a free-threaded one with; fills the note.
const Interpreter* default_build_for(const std::vector<Interpreter>& found, const InterpreterQuery& q,
                                     const Interpreter& ft, SelectionNote& note) {
  if (const auto* p = partner_of(found, ft); p && source_ok(*p, q)) {
    note.reason = who(*p) + ": the default build of the same provisioned pair as the newest free-threaded CPython, " +
                  ft.short_name() + " (same source and configure flags)";
    return p;
  }
  auto is_default = [&](const Interpreter& i) { return !i.free_threaded_build && source_ok(i, q); };
  const auto minor = minor_text(ft.version);
  if (const auto* same = newest(
          found, [&](const Interpreter& i) { return is_default(i) && i.version_text == ft.version_text; },
          [](const Interpreter&) { return false; })) {
    note.reason = who(*same) + ": a default build of the same release as the newest free-threaded CPython, " +
                  ft.short_name() + " (not one provisioned pair: source and flags may differ)";
    return same;
  }
  if (const auto* same_minor = newest(
          found,
          [&](const Interpreter& i) {
            return is_default(i) && i.version.major == ft.version.major && i.version.minor == ft.version.minor;
          },
          [](const Interpreter&) { return false; })) {
    note.reason = who(*same_minor) + ": a default build of " + minor +
                  ", the newest free-threaded CPython's version (" + ft.short_name() + "; another release)";
    return same_minor;
  }
  // No default build of that version at all: the nearest version's, older first on a tie.
  auto distance = [&](const Interpreter& i) {
    const int d = (i.version.major - ft.version.major) * 100 + (i.version.minor - ft.version.minor);
    return d < 0 ? -2 * d : 2 * d + 1;
  };
  const Interpreter* nearest = nullptr;
  for (const auto& i : found) {
    if (!is_default(i)) continue;
    if (!nearest || distance(i) < distance(*nearest) ||
        (distance(i) == distance(*nearest) &&
         (is_provisioned(i) != is_provisioned(*nearest) ? is_provisioned(i) : newer(i, *nearest) > 0)))
      nearest = &i;
  }
  if (!nearest) {
    note.reason = "no default (GIL) build found at all to compare " + ft.short_name() + " with";
    return nullptr;
  }
  note.stand_in_for = minor;
  note.reason = who(*nearest) + ": the nearest default build, standing in for " + minor +
                ", which has no default build here";
  note.warning = "the newest free-threaded CPython found, " + who(ft) + ", has no default (GIL) build of " + minor +
                 " beside it; it is compared with the nearest default build, " + nearest->short_name() +
                 ", labelled as standing in. For a fair pair build both from one source: "
                 "scripts/provision-python --source <CPython " + minor + " tarball or source tree>";
  return nearest;
}

}  // namespace

std::optional<Interpreter> select(const std::vector<Interpreter>& found, const InterpreterQuery& query) {
  const Interpreter* best = nullptr;
  auto better = [](const Interpreter& a, const Interpreter& b) {
    bool a_prov = is_provisioned(a), b_prov = is_provisioned(b);
    if (a_prov != b_prov) return a_prov;
    if (a.version != b.version) return a.version > b.version;
    return newer(a, b) > 0;
  };
  for (const auto& f : found) {
    if (query.version && !query.version->matches(f.version)) continue;
    if (query.free_threaded && f.free_threaded_build != *query.free_threaded) continue;
    if (!source_ok(f, query)) continue;
    if (!best || better(f, *best)) best = &f;
  }
  if (!best) return std::nullopt;
  return *best;
}

Selection select_interpreter(const std::vector<Interpreter>& found, const InterpreterQuery& query) {
  Selection s;
  s.note.query = query.describe();
  const Interpreter* pick = nullptr;
  switch (query.rule) {
    case VersionRule::spec:
      if (auto match = select(found, query)) {
        s.interpreter = std::move(match);
        s.note.reason = who(*s.interpreter) + ": the best match (provisioned builds first, then the newest)";
      } else {
        s.note.reason = "no interpreter found for " + query.describe();
      }
      return s;
    case VersionRule::before_free_threading:
      pick = newest(
          found,
          [&](const Interpreter& i) {
            return !i.free_threaded_build && i.version < kFirstFreeThreaded && source_ok(i, query);
          },
          [](const Interpreter&) { return false; });
      s.note.reason = pick ? who(*pick) + ": the newest CPython before free-threading existed"
                           : "no CPython older than " + minor_text(kFirstFreeThreaded) + " found";
      break;
    case VersionRule::newest_free_threaded: {
      const auto* ft = newest_free_threaded(found, query);
      if (!ft) {
        s.note.reason = "no free-threaded CPython found";
        break;
      }
      if (query.free_threaded.value_or(true)) {
        pick = ft;
        s.note.reason = who(*ft) + ": the newest free-threaded CPython found" +
                        (partner_of(found, *ft)
                             ? " (one of a provisioned pair: same source and flags as its default build)"
                             : "");
      } else {
        pick = default_build_for(found, query, *ft, s.note);
      }
      break;
    }
  }
  if (pick) s.interpreter = *pick;
  return s;
}

}  // namespace ftbench::discovery
