// orchestrate history SUBCOMMAND: the nightly history for people. import (old run
// directories), regressions, show, list, ack, annotate, prune, html, push (to a fleet's shared
// store; docs/fleet.md). docs/history.md.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <map>
#include <chrono>
#include <ctime>
#include <iostream>

#include "commands/commands.h"
#include "commands/options.h"
#include "commands/run_pipeline.h"
#include "history/history_page.h"
#include "history/push.h"
#include "history/store.h"
#include "history/views.h"
#include "os/clock.h"
#include "os/logging.h"
#include "plan/plan.h"
#include "report/presenter.h"
#include "report/text_table.h"
#include "results/run_store.h"
#include "util/error.h"
#include "util/postgres_url.h"
#include "util/strings.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ftbench::commands {
namespace {

constexpr const char* kHistoryUsage = R"(usage: orchestrate history SUBCOMMAND [options]
  import RUN_DIR...                 store finished run directories (idempotent)
  regressions [--open] [--json]     regressions, newest first, with their state
  show SERIES [--json]              one series night by night (a glob over series names, or an id)
  list [--json]                     the stored nights
  ack ID --note TEXT [--expected]   acknowledge a regression (or mark it an expected step)
  annotate --series GLOB --run RUN_ID --kind expected_step|machine_change|note --note TEXT
  prune --keep-days N [--dry-run]   remove run directories older than N days (rows stay)
  html [--output FILE]              write history.html (default: beside the database)
  push [--to URL]                   copy this box's nights to a fleet's shared store (idempotent)
Every subcommand takes --history FILE (default: the --config file's, else results/history.sqlite).
regressions, show, list and html also read a fleet's shared store: --from postgresql://host/db.
)";

// --history FILE, else the config's (--config), else results/history.sqlite here.
struct HistoryFlags {
  std::optional<std::string> history;
  std::optional<std::string> config;
};

void add_history_options(po::options_description& opts) {
  opts.add_options()("history", text_value(), "the history database (default: results/history.sqlite)")
      ("config,c", text_value(), "take the history file from this config")
      ("help,h", "this help");
}

// The read-only subcommands also take a fleet's shared store.
void add_reading_options(po::options_description& opts) {
  add_history_options(opts);
  opts.add_options()("from", text_value(), "read a fleet's shared store instead (postgresql://[user@]host[:port]/db)");
}

fs::path history_path(const po::variables_map& vm) {
  if (auto v = text_option(vm, "history")) {
    if (util::is_postgres_url(*v))
      throw UserError("--history is this box's own history file (the source of truth): read a fleet's shared store "
                      "with --from URL (regressions, show, list, html); ack, annotate, prune and import change the "
                      "box's file, and the next push carries the change to the fleet");
    return *v;
  }
  if (auto c = text_option(vm, "config")) {
    const auto config = config::load_config(*c);
    return config.history.file(config.output.directory);
  }
  return fs::path("results") / "history.sqlite";
}

// Opens an existing history; a typo must not create an empty database.
history::HistoryStore open_existing(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw UserError("no history at " + file.string() +
                    " (give --history FILE, or --config FILE for the config's; runs and nightly jobs create it)");
  return history::HistoryStore::open(file);
}

// --from URL (a fleet's shared store, read only), else the local file.
history::HistoryStore open_for_reading(const po::variables_map& vm) {
  if (auto url = text_option(vm, "from")) {
    if (const auto problem = util::postgres_url_problem(*url))
      throw UserError("the URL given to --from: " + *problem);
    try {
      return history::HistoryStore::open_url(*url, history::HistoryStore::Access::read);
    } catch (const history::HistoryError& e) {
      throw UserError(e.what(), kExitSharedStore);
    }
  }
  return open_existing(history_path(vm));
}

std::string date_of(const std::string& iso) { return iso.substr(0, 16); }

// Machine id -> description: a fleet's store names each night's and series' machine.
std::map<int64_t, std::string> machine_descriptions(history::HistoryStore& store) {
  std::map<int64_t, std::string> out;
  for (const auto& m : store.machines()) out[m.id] = m.description;
  return out;
}

int import_subcommand(const Args& args) {
  po::options_description opts("orchestrate history import RUN_DIR... [options]");
  add_history_options(opts);
  po::options_description hidden;
  hidden.add_options()("run-dir", po::value<std::vector<std::string>>()->multitoken(), "");
  po::positional_options_description pos;
  pos.add("run-dir", -1);
  auto parsed = parse_options(args, opts,
                              "\nStores each finished run directory in the history: the one given, else the\n"
                              "one the run recorded, else history.sqlite beside it. A run already stored is\n"
                              "skipped. An interrupted run is refused: complete it with --resume first.\n",
                              &hidden, &pos);
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  if (!vm.count("run-dir")) throw UserError("history import needs one or more run directories");
  const bool explicit_file = vm.count("history") || vm.count("config");
  int failures = 0;
  for (const auto& dir : vm["run-dir"].as<std::vector<std::string>>()) {
    try {
      auto loaded = results::load_run_directory(dir);
      for (const auto& p : loaded.problems) spdlog::warn("{}: {}", dir, p);
      fs::path file = explicit_file ? history_path(vm)
                      : loaded.manifest.history_file.empty() || loaded.manifest.history_file == "off"
                          ? fs::path(dir).parent_path() / "history.sqlite"
                          : fs::path(loaded.manifest.history_file);
      if (loaded.manifest.status != results::RunState::complete)
        throw UserError(fmt::format("{} is {}: complete it with `orchestrate --resume {}` first", dir,
                                    util::name(loaded.manifest.status), dir));
      auto store = history::HistoryStore::open(file);
      const auto outcome = store.ingest(loaded.manifest, loaded.runs, {fs::absolute(dir), "", false, ""});
      fmt::print("{}: {} ({} series) in {}\n", loaded.manifest.run_id,
                 outcome.added ? "stored" : "already stored", outcome.points, file.string());
    } catch (const UserError& e) {
      fmt::print(stderr, "orchestrate: {}: {}\n", dir, e.what());
      ++failures;
    }
  }
  return failures ? kExitSomeRunsFailed : kExitOk;
}

int regressions_subcommand(const Args& args) {
  po::options_description opts("orchestrate history regressions [options]");
  add_reading_options(opts);
  bool open_only = false, as_json = false;
  opts.add_options()("open", po::bool_switch(&open_only), "only suspects and confirmed ones (still need someone)")
      ("json", po::bool_switch(&as_json), "JSON instead of text");
  auto parsed = parse_options(args, opts,
                              "\nStates: suspect (not yet confirmed), confirmed, cleared (re-measurement did not\n"
                              "confirm it), acknowledged, expected, fixed (a later night came back).\n");
  if (!parsed) return kExitOk;
  auto store = open_for_reading(*parsed);
  const auto views = history::regression_views(store, open_only);
  if (as_json) {
    json::Writer w;
    w.start_array();
    for (const auto& v : views) history::to_json(w, v);
    w.end_array();
    fmt::print("{}\n", w.str());
    return kExitOk;
  }
  if (views.empty()) fmt::print("no {}regressions in {}\n", open_only ? "open " : "", store.database().describe());
  // A fleet's store holds several machines: each regression says whose series it is (detection
  // is always per machine).
  const bool fleet = store.machines().size() > 1;
  for (const auto& v : views) fmt::print("{}{}\n", fleet ? "[" + v.machine + "] " : "", history::describe(v));
  return kExitOk;
}

// Series by id or by a glob over their names ("3.13t scaling/* t2 time_per_op").
std::vector<history::SeriesRecord> find_series(history::HistoryStore& store, const std::string& what) {
  std::vector<history::SeriesRecord> out;
  const auto as_id = util::to_integer(what);
  for (const auto& s : store.series()) {
    if (as_id && s.id == *as_id) return {s};
    if (plan::glob_match(what, s.identity.name()) || s.identity.name() == what) out.push_back(s);
  }
  return out;
}

int show_subcommand(const Args& args) {
  po::options_description opts("orchestrate history show SERIES [options]");
  add_reading_options(opts);
  bool as_json = false;
  opts.add_options()("json", po::bool_switch(&as_json), "JSON instead of text");
  po::options_description hidden;
  hidden.add_options()("series", text_value(), "");
  po::positional_options_description pos;
  pos.add("series", 1);
  auto parsed = parse_options(args, opts,
                              "\nSERIES: a series id, or a glob over series names as `history regressions` prints\n"
                              "them, e.g. '3.13t scaling/parallel_compute t2 time_per_op' or '*parallel_compute t2*'.\n",
                              &hidden, &pos);
  if (!parsed) return kExitOk;
  const auto what = text_option(*parsed, "series");
  if (!what) throw UserError("history show needs a series (an id or a glob over names; `history list` shows nights)");
  auto store = open_for_reading(*parsed);
  const auto found = find_series(store, *what);
  if (found.empty()) throw UserError("no series matches '" + *what + "' (`orchestrate history regressions` names some)");
  if (found.size() > 20 && !as_json) {
    fmt::print("{} series match '{}'; narrow the glob. The first 20:\n", found.size(), *what);
    for (size_t i = 0; i < 20; ++i) fmt::print("  {:>6}  {}\n", found[i].id, found[i].identity.name());
    return kExitOk;
  }
  const auto change_points = store.change_points();
  const auto regressions = store.regressions();
  // A fleet's store has the same series name on every machine: each says whose it is.
  const auto machine_of = machine_descriptions(store);
  const bool fleet = machine_of.size() > 1;
  json::Writer w;
  if (as_json) w.start_array();
  for (const auto& s : found) {
    const auto points = store.points(s.id, false);
    if (as_json) {
      w.start_object();
      w.field("id", s.id);
      w.field("name", s.identity.name());
      w.field("machine", machine_of.at(s.machine_id));
      w.field("unit", s.unit);
      w.key("points");
      w.start_array();
      for (const auto& p : points) {
        w.start_object();
        w.field("run_id", p.run_id);
        w.field("created_at", p.created_at);
        w.field("value", p.value);
        w.field("low", p.low);
        w.field("high", p.high);
        w.field("processes", p.processes);
        w.field("excluded", p.excluded);
        w.end_object();
      }
      w.end_array();
      w.end_object();
      continue;
    }
    fmt::print("#{} {} ({} nights){}\n", s.id, s.identity.name(), points.size(),
               fleet ? " on " + machine_of.at(s.machine_id) : "");
    report::TextTable t({"night", "run", s.unit == "ns" ? "median" : "value", "95% interval", "processes", "marks"});
    for (const auto& p : points) {
      std::vector<std::string> marks;
      if (p.excluded) marks.push_back("excluded");
      for (const auto& c : change_points)
        if (c.series_id == s.id && c.night_id == p.night_id)
          marks.push_back(fmt::format("change point {:.3f}x", c.ratio));
      for (const auto& r : regressions)
        if (r.series_id == s.id && r.detected_night_id == p.night_id)
          marks.push_back(fmt::format("#{} {}", r.id, util::name(r.state)));
      const bool ns = s.unit == "ns";
      t.add_row({date_of(p.created_at), p.run_id, ns ? report::format_duration_ns(p.value) : fmt::format("{:.3f}", p.value),
                 ns ? fmt::format("[{}, {}]", report::format_duration_ns(p.low), report::format_duration_ns(p.high))
                    : fmt::format("[{:.3f}, {:.3f}]", p.low, p.high),
                 std::to_string(p.processes), util::join(marks, "; ")});
    }
    fmt::print("{}\n", t.plain());
  }
  if (as_json) {
    w.end_array();
    fmt::print("{}\n", w.str());
  }
  return kExitOk;
}

int list_subcommand(const Args& args) {
  po::options_description opts("orchestrate history list [options]");
  add_reading_options(opts);
  bool as_json = false;
  opts.add_options()("json", po::bool_switch(&as_json), "JSON instead of text");
  auto parsed = parse_options(args, opts);
  if (!parsed) return kExitOk;
  auto store = open_for_reading(*parsed);
  const auto nights = store.nights();
  const auto machine_of = machine_descriptions(store);
  const bool fleet = machine_of.size() > 1;
  if (as_json) {
    json::Writer w;
    w.start_array();
    for (const auto& n : nights) {
      w.start_object();
      w.field("id", n.id);
      w.field("run_id", n.run_id);
      w.field("created_at", n.created_at);
      w.field("config", n.config_name);
      w.field("run_dir", n.run_dir);
      w.field("machine", machine_of.at(n.machine_id));
      w.field("machine_factor", n.machine_factor);
      w.field("excluded", n.excluded);
      w.field("exclusion_reason", n.exclusion_reason);
      w.field("pruned", n.pruned);
      w.end_object();
    }
    w.end_array();
    fmt::print("{}\n", w.str());
    return kExitOk;
  }
  std::vector<std::string> header{"night", "run", "config", "interpreters", "state"};
  if (fleet) header.insert(header.begin() + 2, "machine");
  report::TextTable t(header);
  for (const auto& n : nights) {
    std::vector<std::string> interps;
    for (const auto& i : store.night_interpreters(n.id))
      interps.push_back(i.label + (i.commit.empty() ? "" : "@" + i.commit.substr(0, 8)));
    std::string state = n.excluded ? "excluded: " + n.exclusion_reason : "counted";
    if (n.pruned) state += " (run directory pruned)";
    std::vector<std::string> row{date_of(n.created_at), n.run_id, n.config_name, util::join(interps, " "), state};
    if (fleet) row.insert(row.begin() + 2, machine_of.at(n.machine_id));
    t.add_row(row);
  }
  fmt::print("{}{} nights in {}{}\n", t.plain(), nights.size(), store.database().describe(),
             fleet ? fmt::format(" ({} machines)", machine_of.size()) : "");
  return kExitOk;
}

int ack_subcommand(const Args& args) {
  po::options_description opts("orchestrate history ack ID --note TEXT [options]");
  add_history_options(opts);
  bool expected = false;
  opts.add_options()("note", text_value(), "why (required: the next reader needs it)")
      ("expected", po::bool_switch(&expected), "an intended step (a known trade-off): the series starts afresh there");
  po::options_description hidden;
  hidden.add_options()("id", text_value(), "");
  po::positional_options_description pos;
  pos.add("id", 1);
  auto parsed = parse_options(args, opts,
                              "\nAn acknowledged or expected regression never fails a nightly job again; the\n"
                              "series' segment restarts at its first bad night, so the new level is the norm.\n",
                              &hidden, &pos);
  if (!parsed) return kExitOk;
  const auto id_text = text_option(*parsed, "id");
  const auto id = id_text ? util::to_integer(*id_text) : std::nullopt;
  if (!id) throw UserError("history ack needs a regression id (`orchestrate history regressions` lists them)");
  const auto note = text_option(*parsed, "note");
  if (!note || util::trim(*note).empty()) throw UserError("history ack needs --note \"why\"");
  auto store = open_existing(history_path(*parsed));
  auto r = store.regression(*id);
  if (!r) throw UserError(fmt::format("no regression #{} (`orchestrate history regressions` lists them)", *id));
  r->state = expected ? history::RegressionState::expected : history::RegressionState::acknowledged;
  r->note = *note;
  store.update_regression(*r);
  fmt::print("{}\n", history::describe(history::view_of(store, *r)));
  return kExitOk;
}

int annotate_subcommand(const Args& args) {
  po::options_description opts("orchestrate history annotate [options]");
  add_history_options(opts);
  opts.add_options()("series", text_value(), "glob over series names ('*' for every series)")
      ("run", text_value(), "the run id of the first night it applies to")
      ("kind", text_value(), "expected_step (a known step: restart the segment) | machine_change | note")
      ("note", text_value(), "the text");
  auto parsed = parse_options(args, opts,
                              "\nexpected_step and machine_change start the matching series afresh at that night:\n"
                              "nights before it are no longer the reference. A note only marks the charts.\n");
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  const auto series = text_option(vm, "series");
  const auto run = text_option(vm, "run");
  const auto kind = text_option(vm, "kind").value_or("note");
  const auto note = text_option(vm, "note");
  if (!series || !run || !note) throw UserError("history annotate needs --series GLOB, --run RUN_ID and --note TEXT");
  if (kind != "expected_step" && kind != "machine_change" && kind != "note")
    throw UserError("--kind " + kind + ": use expected_step, machine_change or note");
  auto store = open_existing(history_path(vm));
  const auto night = store.night_by_run(*run);
  if (!night) throw UserError("no night " + *run + " in the history (`orchestrate history list` shows them)");
  history::Annotation a;
  a.machine_id = night->machine_id;
  a.series_glob = *series;
  a.night_id = night->id;
  a.kind = kind;
  a.note = *note;
  a.id = store.add_annotation(a);
  size_t matched = 0;
  for (const auto& s : store.series(night->machine_id))
    if (*series == "*" || plan::glob_match(*series, s.identity.name())) ++matched;
  fmt::print("annotation #{} ({}) from {} on {} series\n", a.id, kind, *run, matched);
  if (!matched) fmt::print(stderr, "orchestrate: warning: '{}' matches no series yet\n", *series);
  return kExitOk;
}

int prune_subcommand(const Args& args) {
  po::options_description opts("orchestrate history prune --keep-days N [options]");
  add_history_options(opts);
  bool dry_run = false;
  opts.add_options()("keep-days", text_value(), "keep the run directories of the last N days")
      ("dry-run", po::bool_switch(&dry_run), "say what would be removed");
  auto parsed = parse_options(args, opts,
                              "\nRemoves old nights' run directories (dashboards, logs, raw files); the history\n"
                              "keeps every value, so detection, `history show` and history.html lose nothing.\n");
  if (!parsed) return kExitOk;
  const auto days_text = text_option(*parsed, "keep-days");
  const auto days = days_text ? util::to_integer(*days_text) : std::nullopt;
  if (!days || *days < 0) throw UserError("history prune needs --keep-days N (N >= 0)");
  auto store = open_existing(history_path(*parsed));
  const auto cutoff = os::iso8601_days_ago(*days);
  size_t removed = 0;
  for (const auto& n : store.nights()) {
    if (n.pruned || n.created_at >= cutoff || n.run_dir.empty()) continue;
    const fs::path dir = n.run_dir;
    std::error_code ec;
    // Only a directory that is this run's: its manifest names it.
    if (fs::exists(dir, ec)) {
      try {
        if (results::load_run_directory(dir).manifest.run_id != n.run_id) {
          spdlog::warn("{} holds another run than {}: left alone", dir.string(), n.run_id);
          continue;
        }
      } catch (const UserError& e) {
        spdlog::warn("{}: not removed ({})", dir.string(), e.what());
        continue;
      }
      if (dry_run) {
        fmt::print("would remove {}\n", dir.string());
        ++removed;
        continue;
      }
      fs::remove_all(dir, ec);
      if (ec) {
        spdlog::warn("{}: {}", dir.string(), ec.message());
        continue;
      }
    }
    if (!dry_run) store.set_pruned(n.id);
    fmt::print("{} {}\n", dry_run ? "would prune" : "pruned", n.run_id);
    ++removed;
  }
  fmt::print("{} night{} {}; their values stay in the history\n", removed, removed == 1 ? "" : "s",
             dry_run ? "would be pruned" : "pruned");
  return kExitOk;
}

int html_subcommand(const Args& args) {
  po::options_description opts("orchestrate history html [options]");
  add_reading_options(opts);
  opts.add_options()("output,o", text_value(),
                     "the page (default: history.html beside the database; with --from, in the current directory)")
      ("nights", text_value(), "draw each machine's last N nights (default: all; with --from, 60)")
      ("all-series", "with --from: every time-per-op cell, not only those with a regression");
  auto parsed = parse_options(args, opts,
                              "\nFrom a fleet's shared store (--from) the page adds the fleet view: per benchmark the\n"
                              "free-threaded/default ratio and scaling efficiency side by side across machines,\n"
                              "which counters each machine could count, each machine's health and open regressions.\n");
  if (!parsed) return kExitOk;
  auto store = open_for_reading(*parsed);
  history::PageOptions options;
  const bool fleet = parsed->count("from") > 0;
  if (fleet) {
    options.nights = 60;
    options.all_cells = parsed->count("all-series") > 0;
    options.link_run_dirs = false;
  }
  if (const auto n = text_option(*parsed, "nights")) {
    const auto v = util::to_integer(*n);
    if (!v || *v < 0) throw UserError("--nights " + *n + ": give a number of nights (0: all)");
    options.nights = static_cast<int>(*v);
  }
  const fs::path page = text_option(*parsed, "output").value_or(
      parsed->count("from") ? "history.html" : (fs::absolute(history_path(*parsed)).parent_path() / "history.html").string());
  fmt::print("{}\n", history::write_history_page(store, page, options).string());
  return kExitOk;
}

int push_subcommand(const Args& args) {
  po::options_description opts("orchestrate history push [--to URL] [options]");
  add_history_options(opts);
  opts.add_options()("to", text_value(), "the fleet's shared store (default: the config's history.url)");
  auto parsed = parse_options(
      args, opts,
      "\nCopies this box's nights (raw values included), regressions with their states, change\n"
      "points and annotations to a fleet's shared PostgreSQL store. Idempotent: a night already\n"
      "there (same run id, same machine fingerprint) is not copied again; a push cut off is\n"
      "completed by the next one. The password comes from PGPASSWORD, ~/.pgpass or a service\n"
      "file, never from the URL. Exit 0 pushed (or nothing to push), 2 bad flags, URL or\n"
      "history, 7 the server could not be reached or refused (the local history is untouched).\n");
  if (!parsed) return kExitOk;
  const auto& vm = *parsed;
  std::optional<std::string> url = text_option(vm, "to");
  if (!url)
    if (auto c = text_option(vm, "config")) url = config::load_config(*c).history.url;
  if (!url) throw UserError("history push needs --to postgresql://host/db, or --config FILE with history.url");
  if (const auto problem = util::postgres_url_problem(*url))
    throw UserError("the URL given to --to: " + *problem);
  const auto file = history_path(vm);
  auto local = open_existing(file);
  std::optional<history::HistoryStore> shared;
  try {
    shared.emplace(history::HistoryStore::open_url(*url));
    const auto outcome = history::push_history(local, *shared, [](const std::string& line) {
      fmt::print("pushed {}\n", line);
      std::fflush(stdout);  // a log that follows a long push as it goes
    });
    for (const auto& run : outcome.collisions)
      fmt::print(stderr,
                 "orchestrate: warning: {} is already in {} from another host with the same machine fingerprint: not "
                 "pushed (give each box's config its own name)\n",
                 run, shared->database().describe());
    fmt::print("{} night{} pushed ({} series points), {} already there ({} updated); {} regressions, {} change points, "
               "{} annotations in {}\n",
               outcome.nights_pushed, outcome.nights_pushed == 1 ? "" : "s", outcome.points, outcome.nights_present,
               outcome.nights_updated, outcome.regressions, outcome.change_points, outcome.annotations,
               shared->database().describe());
  } catch (const history::HistoryError& e) {
    fmt::print(stderr, "orchestrate: {} (the local history {} is untouched; push again later)\n", e.what(),
               file.string());
    return kExitSharedStore;
  } catch (const history::DatabaseError& e) {
    fmt::print(stderr, "orchestrate: history push to {}: {} (the local history {} is untouched; push again: the "
               "nights already sent are kept)\n",
               shared ? shared->database().describe() : *url, e.what(), file.string());
    return kExitSharedStore;
  }
  return kExitOk;
}

int dispatch(const std::string& sub, const Args& rest);

}  // namespace

int history_command(const Args& args) {
  if (args.empty() || args.front() == "--help" || args.front() == "-h") {
    std::fputs(kHistoryUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  os::setup_console_logging("warn");
  const Args rest(args.begin() + 1, args.end());
  const auto& sub = args.front();
  try {
    return dispatch(sub, rest);
  } catch (const history::DatabaseError& e) {
    // A read from a fleet's store that lost its server half way: the shared store's status.
    const bool shared = std::find(rest.begin(), rest.end(), "--from") != rest.end();
    if (shared) throw UserError(e.what(), kExitSharedStore);
    throw;
  }
}

namespace {
int dispatch(const std::string& sub, const Args& rest) {
  if (sub == "import") return import_subcommand(rest);
  if (sub == "regressions") return regressions_subcommand(rest);
  if (sub == "show") return show_subcommand(rest);
  if (sub == "list") return list_subcommand(rest);
  if (sub == "ack") return ack_subcommand(rest);
  if (sub == "annotate") return annotate_subcommand(rest);
  if (sub == "prune") return prune_subcommand(rest);
  if (sub == "html") return html_subcommand(rest);
  if (sub == "push") return push_subcommand(rest);
  fmt::print(stderr, "orchestrate history: unknown subcommand '{}'\n{}", sub, kHistoryUsage);
  return kExitUsage;
}
}  // namespace

}  // namespace ftbench::commands
