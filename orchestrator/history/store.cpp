#include "history/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "analysis/analysis.h"
#include "os/clock.h"
#include "util/json.h"

namespace ftbench::history {

// Each migration takes the schema from version k-1 to k. Written once for every backend: the
// few types that differ come from the database.
std::string night_host(const NightRecord& night) {
  const auto doc = json::parse(night.machine_state);
  return doc && doc->IsObject() ? json::get_or<std::string>(*doc, "hostname", "") : "";
}

std::vector<std::string> migration_statements(int to, const Database& db) {
  const std::string id(db.id_column());
  const std::string blob(db.blob_type());
  switch (to) {
    case 1:
      return {
          "CREATE TABLE machines (id " + id + ", fingerprint TEXT NOT NULL UNIQUE, description TEXT NOT NULL)",
          "CREATE TABLE nights (id " + id +
              ", machine_id BIGINT NOT NULL REFERENCES machines(id), run_id TEXT NOT NULL, created_at TEXT NOT NULL,"
              " finished_at TEXT, config_name TEXT, run_dir TEXT, excluded INTEGER NOT NULL DEFAULT 0,"
              " exclusion_reason TEXT, preflight TEXT, machine_state TEXT, pruned INTEGER NOT NULL DEFAULT 0,"
              " ingested_at TEXT NOT NULL, UNIQUE (run_id, machine_id))",
          "CREATE TABLE night_interpreters (night_id BIGINT NOT NULL REFERENCES nights(id) ON DELETE CASCADE,"
          " label TEXT NOT NULL, identity TEXT NOT NULL, version TEXT, sha256 TEXT, source_commit TEXT, executable TEXT,"
          " PRIMARY KEY (night_id, label))",
          "CREATE TABLE series (id " + id +
              ", key TEXT NOT NULL UNIQUE, machine_id BIGINT NOT NULL REFERENCES machines(id), kind TEXT NOT NULL,"
              " interpreter TEXT NOT NULL, interpreter_identity TEXT NOT NULL, reference TEXT NOT NULL,"
              " reference_identity TEXT NOT NULL, benchmark TEXT NOT NULL, code_hash TEXT NOT NULL, size TEXT NOT NULL,"
              " threads INTEGER NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL)",
          "CREATE TABLE points (series_id BIGINT NOT NULL REFERENCES series(id),"
          " night_id BIGINT NOT NULL REFERENCES nights(id) ON DELETE CASCADE, value DOUBLE PRECISION NOT NULL,"
          " low DOUBLE PRECISION, high DOUBLE PRECISION, processes INTEGER NOT NULL, units " + blob + ", raw " + blob +
              ", raw_process " + blob + ", PRIMARY KEY (series_id, night_id))",
          "CREATE INDEX points_by_night ON points (night_id)",
          "CREATE TABLE annotations (id " + id +
              ", machine_id BIGINT NOT NULL DEFAULT 0, series_glob TEXT NOT NULL, night_id BIGINT NOT NULL,"
              " kind TEXT NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL)",
          "CREATE TABLE change_points (series_id BIGINT NOT NULL REFERENCES series(id), night_id BIGINT NOT NULL"
          " REFERENCES nights(id) ON DELETE CASCADE, ratio DOUBLE PRECISION NOT NULL, p_value DOUBLE PRECISION NOT NULL,"
          " PRIMARY KEY (series_id, night_id))",
          "CREATE TABLE regressions (id " + id +
              ", series_id BIGINT NOT NULL REFERENCES series(id), detected_night_id BIGINT NOT NULL REFERENCES nights(id),"
              " first_bad_night_id BIGINT, state TEXT NOT NULL, direction TEXT NOT NULL, ratio DOUBLE PRECISION,"
              " low DOUBLE PRECISION, high DOUBLE PRECISION, p_value DOUBLE PRECISION, q_value DOUBLE PRECISION,"
              " nights_of_evidence INTEGER, commit_range TEXT, counters TEXT, confirmation TEXT, note TEXT,"
              " updated_at TEXT NOT NULL, UNIQUE (series_id, detected_night_id))",
      };
    case 2:
      // The machine's own move each night (docs/history.md): earlier nights count as 1.
      return {"ALTER TABLE nights ADD COLUMN machine_factor DOUBLE PRECISION NOT NULL DEFAULT 1"};
    case 3:
      // A fleet's shared store (docs/fleet.md): an annotation pushed from a box keeps where it
      // came from, so pushing it again finds it (NULL on the box itself: NULLs never collide).
      return {"ALTER TABLE annotations ADD COLUMN origin TEXT",
              "CREATE UNIQUE INDEX annotations_by_origin ON annotations (origin)"};
    default:
      return {};
  }
}

namespace {

std::string unit_of(const std::string& metric) {
  if (metric == "time_per_op" || metric == "cpu_per_op") return "ns";
  if (metric == "ratio" || metric == "efficiency") return "ratio";
  return "count";
}

NightRecord night_from(const Row& r) {
  NightRecord n;
  n.id = r.integer(0);
  n.machine_id = r.integer(1);
  n.run_id = r.text(2);
  n.created_at = r.text(3);
  n.config_name = r.text(4);
  n.run_dir = r.text(5);
  n.excluded = r.integer(6) != 0;
  n.exclusion_reason = r.text(7);
  n.preflight = r.text(8);
  n.machine_state = r.text(9);
  n.pruned = r.integer(10) != 0;
  n.machine_factor = r.real(11);
  n.finished_at = r.text(12);
  n.ingested_at = r.text(13);
  return n;
}
constexpr const char* kNightColumns =
    "id, machine_id, run_id, created_at, config_name, run_dir, excluded, exclusion_reason, preflight, machine_state, "
    "pruned, machine_factor, finished_at, ingested_at";

SeriesRecord series_from(const Row& r) {
  SeriesRecord s;
  s.id = r.integer(0);
  s.machine_id = r.integer(1);
  auto& i = s.identity;
  i.kind = util::parse<SeriesKind>(r.text(2)).value_or(SeriesKind::cell);
  i.interpreter = r.text(3);
  i.interpreter_identity = r.text(4);
  i.reference = r.text(5);
  i.reference_identity = r.text(6);
  i.benchmark = r.text(7);
  i.code_hash = r.text(8);
  i.size = r.text(9);
  i.threads = static_cast<int>(r.integer(10));
  i.metric = r.text(11);
  s.unit = r.text(12);
  i.machine = r.text(13);
  return s;
}
constexpr const char* kSeriesSelect =
    "SELECT s.id, s.machine_id, s.kind, s.interpreter, s.interpreter_identity, s.reference, s.reference_identity, "
    "s.benchmark, s.code_hash, s.size, s.threads, s.metric, s.unit, m.fingerprint FROM series s JOIN machines m ON "
    "m.id = s.machine_id";

RegressionRecord regression_from(const Row& r) {
  RegressionRecord g;
  g.id = r.integer(0);
  g.series_id = r.integer(1);
  g.detected_night_id = r.integer(2);
  g.first_bad_night_id = r.optional_integer(3);
  g.state = util::parse<RegressionState>(r.text(4)).value_or(RegressionState::suspect);
  g.direction = util::parse<Direction>(r.text(5)).value_or(Direction::slower);
  g.ratio = r.real(6);
  g.low = r.real(7);
  g.high = r.real(8);
  g.p_value = r.real(9);
  g.q_value = r.real(10);
  g.nights_of_evidence = static_cast<int>(r.integer(11));
  g.commit_range = r.text(12);
  g.counters = r.text(13);
  g.confirmation = r.text(14);
  g.note = r.text(15);
  g.updated_at = r.text(16);
  return g;
}
constexpr const char* kRegressionColumns =
    "id, series_id, detected_night_id, first_bad_night_id, state, direction, ratio, low, high, p_value, q_value, "
    "nights_of_evidence, commit_range, counters, confirmation, note, updated_at";

// A point with its night, read the same way by every query that selects kPointColumns
// (after `first` leading columns); the raw values follow when selected (kPointValues).
constexpr const char* kPointColumns =
    "p.night_id, n.run_id, n.created_at, n.excluded, p.value, p.low, p.high, p.processes, n.machine_factor";
constexpr const char* kPointValues = "p.units, p.raw, p.raw_process";
PointRecord point_from(const Row& r, size_t first, bool with_values) {
  PointRecord p;
  p.night_id = r.integer(first);
  p.run_id = r.text(first + 1);
  p.created_at = r.text(first + 2);
  p.excluded = r.integer(first + 3) != 0;
  p.value = r.real(first + 4);
  p.low = r.real(first + 5);
  p.high = r.real(first + 6);
  p.processes = static_cast<int>(r.integer(first + 7));
  p.machine_factor = r.real(first + 8);
  if (with_values) {
    p.units = unpack_doubles(r.blob(first + 9));
    p.raw = unpack_doubles(r.blob(first + 10));
    p.raw_process = unpack_ints(r.blob(first + 11));
  }
  return p;
}

Value optional_id(std::optional<int64_t> v) { return v ? Value(*v) : Value(std::monostate{}); }

// Collects the night's series and points before they are written.
struct PendingPoint {
  SeriesIdentity identity;
  double value = 0;
  double low = 0;
  double high = 0;
  int processes = 0;
  std::vector<double> units;
  std::vector<double> raw;
  std::vector<int> raw_process;
};

void add_cell_metric(std::vector<PendingPoint>& out, SeriesIdentity identity, const std::string& metric,
                     const analysis::Sample& sample) {
  if (sample.empty()) return;
  const auto stats = analysis::summarize(sample, analysis::Quantity::count);
  identity.metric = metric;
  out.push_back({identity, stats.median, stats.median_ci.low, stats.median_ci.high,
                 static_cast<int>(stats.processes), sample.unit_values(), sample.values, sample.process});
}

std::vector<PendingPoint> night_points(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs,
                                       const std::string& machine) {
  const auto a = analysis::analyze(manifest, runs);
  std::map<std::string, std::string> identity_of;  // label -> interpreter identity
  for (const auto& i : manifest.plan.interpreters) identity_of[i.label] = interpreter_identity(i);
  std::map<std::string, std::string> code_of;
  for (const auto& b : manifest.plan.benchmarks) code_of[b.id] = b.code_hash;
  const std::string size = manifest.plan.size;

  std::vector<PendingPoint> out;
  for (const auto& c : a.cells.cells) {
    if (!c.has_values()) continue;
    SeriesIdentity id;
    id.kind = SeriesKind::cell;
    id.machine = machine;
    id.interpreter = c.key.interpreter;
    id.interpreter_identity = identity_of[c.key.interpreter];
    id.benchmark = c.key.benchmark;
    id.code_hash = code_of[c.key.benchmark];
    id.size = size;
    id.threads = c.key.threads;
    add_cell_metric(out, id, "time_per_op", c.time_per_op.empty() ? c.time : c.time_per_op);
    add_cell_metric(out, id, "cpu_per_op", c.cpu_per_op);
    for (const auto& k : c.counters)
      if (k.counted()) add_cell_metric(out, id, k.name + "_per_op", k.per_op.empty() ? k.per_iteration : k.per_op);
  }
  for (const auto& cmp : a.comparisons.rows) {
    if (cmp.kind == analysis::PairKind::versus_baseline || !cmp.time.valid) continue;
    SeriesIdentity id;
    id.kind = cmp.kind == analysis::PairKind::free_threading ? SeriesKind::free_threading : SeriesKind::gil_switch;
    id.machine = machine;
    id.interpreter = cmp.subject;
    id.interpreter_identity = identity_of[cmp.subject];
    id.reference = cmp.reference;
    id.reference_identity = identity_of[cmp.reference];
    id.benchmark = cmp.benchmark;
    id.code_hash = code_of[cmp.benchmark];
    id.size = size;
    id.threads = cmp.threads;
    id.metric = "ratio";
    out.push_back({id, cmp.time.ratio, cmp.time.ci.low, cmp.time.ci.high,
                   static_cast<int>(std::min(cmp.time.n_a, cmp.time.n_b)), {}, {}, {}});
  }
  for (const auto& curve : a.comparisons.scaling)
    for (const auto& p : curve.points) {
      if (p.threads == 1) continue;
      SeriesIdentity id;
      id.kind = SeriesKind::scaling;
      id.machine = machine;
      id.interpreter = curve.interpreter;
      id.interpreter_identity = identity_of[curve.interpreter];
      id.benchmark = curve.benchmark;
      id.code_hash = code_of[curve.benchmark];
      id.size = size;
      id.threads = p.threads;
      id.metric = "efficiency";
      out.push_back({id, p.efficiency, p.efficiency_ci.low, p.efficiency_ci.high, 0, {}, {}, {}});
    }
  return out;
}

}  // namespace

HistoryStore::HistoryStore(std::unique_ptr<Database> db, Access access) : db_(std::move(db)) { migrate(access); }

HistoryStore HistoryStore::open_url(const std::string& url, Access access) {
  try {
    return HistoryStore(open_postgres(url), access);
  } catch (const DatabaseError& e) {
    throw HistoryError(std::string("history: ") + e.what());
  }
}

HistoryStore HistoryStore::open(const std::filesystem::path& sqlite_file) {
  try {
    if (sqlite_file.has_parent_path()) std::filesystem::create_directories(sqlite_file.parent_path());
    return HistoryStore(open_sqlite(sqlite_file));
  } catch (const DatabaseError& e) {
    throw HistoryError(std::string("history: ") + e.what());
  }
}

void HistoryStore::migrate(Access access) {
  const auto where = db_->describe();
  int version = 0;
  try {
    if (db_->is_foreign())
      throw HistoryError(where + " is not an ftbench history (it holds other tables of those names): use another "
                         "file or database");
    version = db_->schema_version();
  } catch (const DatabaseError& e) {
    throw HistoryError(where + ": " + e.what());
  }
  if (version > kHistorySchemaVersion)
    throw HistoryError(where + " has history schema version " + std::to_string(version) + ", newer than this orchestrate (" +
                       std::to_string(kHistorySchemaVersion) + "): use a newer build; nothing was changed");
  if (access == Access::read && version < kHistorySchemaVersion)
    throw HistoryError(version == 0 ? where + " holds no ftbench history yet: `orchestrate history push` fills it"
                                    : where + " has history schema version " + std::to_string(version) +
                                          ", older than this orchestrate (" + std::to_string(kHistorySchemaVersion) +
                                          "); reading never changes it: a `history push` with this build migrates it");
  try {
    db_->prepare_for_writing();  // only now: a file we refuse is never changed
    for (int to = version + 1; to <= kHistorySchemaVersion; ++to) {
      Transaction t(*db_);
      // Another box may have migrated meanwhile (a shared server): read the version under the lock.
      db_->lock(kMigrationLockKey);
      const int now = db_->schema_version();
      if (now > kHistorySchemaVersion)
        throw HistoryError(where + " was just brought to schema version " + std::to_string(now) +
                           " by a newer orchestrate: use a newer build");
      if (now >= to) continue;
      for (const auto& sql : migration_statements(to, *db_)) db_->execute(sql);
      db_->set_schema_version(to);
      t.commit();
    }
  } catch (const DatabaseError& e) {
    throw HistoryError(where + ": cannot bring the history to schema version " + std::to_string(kHistorySchemaVersion) +
                       ": " + e.what() + " (nothing was changed)");
  }
}

IngestOutcome HistoryStore::ingest(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs,
                                   const IngestOptions& options) {
  if (manifest.status != results::RunState::complete)
    throw HistoryError("run " + manifest.run_id + " is " + util::name_string(manifest.status) +
                       ", not complete: finish it with `orchestrate --resume " + options.run_dir.string() +
                       "`, then import it");
  const auto fingerprint = machine_fingerprint(manifest.machine);
  IngestOutcome outcome;
  try {
    Transaction t(*db_);
    const int64_t machine_id = ensure_machine({0, fingerprint, machine_description(manifest.machine)});
    const auto existing = db_->query("SELECT id FROM nights WHERE run_id = $1 AND machine_id = $2",
                                     {manifest.run_id, machine_id});
    if (!existing.empty()) return {existing.front().integer(0), false, 0};

    json::Writer state(json::Writer::Style::compact);
    state.start_object();
    state.field("hostname", manifest.machine.hostname);
    state.field("kernel_release", manifest.machine.kernel_release);
    state.field("smt", manifest.machine.smt);
    state.field("turbo", manifest.machine.turbo);
    state.field("governor", manifest.machine.governor);
    state.field("logical_cpus", manifest.machine.logical_cpus);
    state.field("boot_id", manifest.machine.boot_id);
    state.end_object();
    NightRecord night;
    night.machine_id = machine_id;
    night.run_id = manifest.run_id;
    night.created_at = manifest.created_at;
    night.finished_at = manifest.finished_at;
    night.config_name = manifest.config_name;
    night.run_dir = options.run_dir.string();
    night.excluded = options.excluded;
    night.exclusion_reason = options.exclusion_reason;
    night.preflight = options.preflight;
    night.machine_state = state.str();
    night.ingested_at = os::utc_now_iso8601();
    const int64_t night_id = insert_night(night).value_or(0);
    for (const auto& i : manifest.plan.interpreters)
      add_night_interpreter(night_id, {i.label, interpreter_identity(i), i.interpreter.version_text, i.interpreter.sha256,
                                       i.interpreter.source_commit, i.interpreter.executable.string()});
    std::map<std::string, int64_t> series_ids;
    std::vector<NightPoint> points;
    for (auto& p : night_points(manifest, runs, fingerprint)) {
      const auto key = p.identity.key();
      auto it = series_ids.find(key);
      if (it == series_ids.end())
        it = series_ids.emplace(key, ensure_series({0, machine_id, p.identity, unit_of(p.identity.metric)})).first;
      PointRecord r;
      r.night_id = night_id;
      r.value = p.value;
      r.low = p.low;
      r.high = p.high;
      r.processes = p.processes;
      r.units = std::move(p.units);
      r.raw = std::move(p.raw);
      r.raw_process = std::move(p.raw_process);
      points.push_back({it->second, std::move(r)});
    }
    insert_points(points);
    outcome.points = points.size();
    t.commit();
    outcome.night_id = night_id;
    outcome.added = true;
  } catch (const DatabaseError& e) {
    throw HistoryError("cannot store run " + manifest.run_id + " in " + db_->describe() + ": " + e.what() +
                       " (the run's own results are kept; `orchestrate history import " + options.run_dir.string() +
                       "` retries)");
  }
  return outcome;
}

int64_t HistoryStore::ensure_machine(const Machine& m) {
  db_->run("INSERT INTO machines (fingerprint, description) VALUES ($1, $2) ON CONFLICT (fingerprint) DO NOTHING",
           {m.fingerprint, m.description});
  return db_->query("SELECT id FROM machines WHERE fingerprint = $1", {m.fingerprint}).front().integer(0);
}

std::optional<int64_t> HistoryStore::insert_night(const NightRecord& n) {
  // ON CONFLICT: a concurrent writer of the same night (two pushes from one box) wins quietly.
  const auto rows = db_->query(
      "INSERT INTO nights (machine_id, run_id, created_at, finished_at, config_name, run_dir, excluded, "
      "exclusion_reason, preflight, machine_state, pruned, ingested_at, machine_factor) VALUES ($1, $2, $3, $4, $5, $6, "
      "$7, $8, $9, $10, $11, $12, $13) ON CONFLICT (run_id, machine_id) DO NOTHING RETURNING id",
      {n.machine_id, n.run_id, n.created_at, n.finished_at, n.config_name, n.run_dir, int64_t{n.excluded},
       n.exclusion_reason, n.preflight, n.machine_state, int64_t{n.pruned}, n.ingested_at, n.machine_factor});
  if (rows.empty()) return std::nullopt;
  return rows.front().integer(0);
}

void HistoryStore::add_night_interpreter(int64_t night_id, const NightInterpreter& i) {
  db_->run("INSERT INTO night_interpreters (night_id, label, identity, version, sha256, source_commit, executable) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (night_id, label) DO NOTHING",
           {night_id, i.label, i.identity, i.version, i.sha256, i.commit, i.executable});
}

int64_t HistoryStore::ensure_series(const SeriesRecord& s) {
  const auto& id = s.identity;
  const auto key = id.key();
  db_->run("INSERT INTO series (key, machine_id, kind, interpreter, interpreter_identity, reference, "
           "reference_identity, benchmark, code_hash, size, threads, metric, unit) VALUES ($1, $2, $3, $4, $5, $6, "
           "$7, $8, $9, $10, $11, $12, $13) ON CONFLICT (key) DO NOTHING",
           {key, s.machine_id, util::name_string(id.kind), id.interpreter, id.interpreter_identity, id.reference,
            id.reference_identity, id.benchmark, id.code_hash, id.size, int64_t{id.threads}, id.metric,
            s.unit.empty() ? unit_of(id.metric) : s.unit});
  return db_->query("SELECT id FROM series WHERE key = $1", {key}).front().integer(0);
}

void HistoryStore::insert_points(const std::vector<NightPoint>& points) {
  // Many rows a statement: a night of the full suite is hundreds of points, and a server is a
  // round trip away. 9 parameters a row, far below both backends' limits.
  constexpr size_t kRowsPerStatement = 100;
  for (size_t start = 0; start < points.size(); start += kRowsPerStatement) {
    const size_t end = std::min(points.size(), start + kRowsPerStatement);
    std::string sql =
        "INSERT INTO points (series_id, night_id, value, low, high, processes, units, raw, raw_process) VALUES ";
    std::vector<Value> params;
    params.reserve((end - start) * 9);
    for (size_t i = start; i < end; ++i) {
      const size_t b = (i - start) * 9;
      sql += fmt::format("{}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})", i == start ? "" : ", ", b + 1, b + 2, b + 3,
                         b + 4, b + 5, b + 6, b + 7, b + 8, b + 9);
      const auto& [series_id, p] = points[i];
      params.insert(params.end(), {series_id, p.night_id, p.value, p.low, p.high, int64_t{p.processes},
                                   pack_doubles(p.units), pack_doubles(p.raw), pack_ints(p.raw_process)});
    }
    sql += " ON CONFLICT (series_id, night_id) DO NOTHING";
    db_->run(sql, params);
  }
}

std::vector<HistoryStore::NightPoint> HistoryStore::night_points_of(int64_t night_id) {
  std::vector<NightPoint> out;
  for (const auto& r : db_->query(fmt::format("SELECT p.series_id, {}, {} FROM points p JOIN nights n ON n.id = "
                                              "p.night_id WHERE p.night_id = $1 ORDER BY p.series_id",
                                              kPointColumns, kPointValues),
                                  {night_id}))
    out.push_back({r.integer(0), point_from(r, 1, true)});
  return out;
}

std::vector<HistoryStore::NightPoint> HistoryStore::newest_night_points(SeriesKind kind) {
  // Through each machine's newest counted night (the points_by_night index): an aggregate over
  // every point of a kind took seconds on a fleet's year.
  std::vector<NightPoint> out;
  for (const auto& r : db_->query(
           fmt::format("SELECT p.series_id, {} FROM points p JOIN nights n ON n.id = p.night_id JOIN series s ON s.id = "
                       "p.series_id WHERE s.kind = $1 AND p.night_id IN (SELECT (SELECT n2.id FROM nights n2 WHERE "
                       "n2.machine_id = m.id AND n2.excluded = 0 ORDER BY n2.created_at DESC, n2.id DESC LIMIT 1) FROM "
                       "machines m) ORDER BY p.series_id",
                       kPointColumns),
           {util::name_string(kind)}))
    out.push_back({r.integer(0), point_from(r, 1, false)});
  return out;
}

void HistoryStore::update_night_state(const NightRecord& n) {
  db_->run("UPDATE nights SET excluded = $2, exclusion_reason = $3, pruned = $4, machine_factor = $5 WHERE id = $1",
           {n.id, int64_t{n.excluded}, n.exclusion_reason, int64_t{n.pruned}, n.machine_factor});
}

std::vector<NightRecord> HistoryStore::nights(std::optional<int64_t> machine_id) {
  std::vector<NightRecord> out;
  const auto rows = machine_id ? db_->query(fmt::format("SELECT {} FROM nights WHERE machine_id = $1 ORDER BY "
                                                        "created_at, id",
                                                        kNightColumns),
                                            {*machine_id})
                               : db_->query(fmt::format("SELECT {} FROM nights ORDER BY created_at, id", kNightColumns));
  for (const auto& r : rows) out.push_back(night_from(r));
  return out;
}

std::optional<NightRecord> HistoryStore::night(int64_t id) {
  const auto rows = db_->query(fmt::format("SELECT {} FROM nights WHERE id = $1", kNightColumns), {id});
  if (rows.empty()) return std::nullopt;
  return night_from(rows.front());
}

std::optional<NightRecord> HistoryStore::night_by_run(const std::string& run_id, std::optional<int64_t> machine_id) {
  const auto rows =
      machine_id ? db_->query(fmt::format("SELECT {} FROM nights WHERE run_id = $1 AND machine_id = $2", kNightColumns),
                              {run_id, *machine_id})
                 : db_->query(fmt::format("SELECT {} FROM nights WHERE run_id = $1", kNightColumns), {run_id});
  if (rows.empty()) return std::nullopt;
  return night_from(rows.front());
}

std::vector<NightInterpreter> HistoryStore::night_interpreters(int64_t night_id) {
  std::vector<NightInterpreter> out;
  for (const auto& r : db_->query("SELECT label, identity, version, sha256, source_commit, executable FROM "
                                  "night_interpreters WHERE night_id = $1 ORDER BY label",
                                  {night_id}))
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)});
  return out;
}

void HistoryStore::set_excluded(int64_t night_id, bool excluded, const std::string& reason) {
  db_->run("UPDATE nights SET excluded = $1, exclusion_reason = $2 WHERE id = $3",
           {int64_t{excluded}, reason, night_id});
}

void HistoryStore::set_machine_factor(int64_t night_id, double factor) {
  db_->run("UPDATE nights SET machine_factor = $1 WHERE id = $2", {factor, night_id});
}

void HistoryStore::set_pruned(int64_t night_id) { db_->run("UPDATE nights SET pruned = 1 WHERE id = $1", {night_id}); }

std::vector<SeriesRecord> HistoryStore::series(std::optional<int64_t> machine_id) {
  std::vector<SeriesRecord> out;
  const auto rows = machine_id ? db_->query(std::string(kSeriesSelect) + " WHERE s.machine_id = $1 ORDER BY s.id",
                                            {*machine_id})
                               : db_->query(std::string(kSeriesSelect) + " ORDER BY s.id");
  for (const auto& r : rows) out.push_back(series_from(r));
  return out;
}

std::optional<SeriesRecord> HistoryStore::series_by_id(int64_t id) {
  const auto rows = db_->query(std::string(kSeriesSelect) + " WHERE s.id = $1", {id});
  if (rows.empty()) return std::nullopt;
  return series_from(rows.front());
}

std::vector<PointRecord> HistoryStore::points(int64_t series_id, bool with_values) {
  std::vector<PointRecord> out;
  for (const auto& r : db_->query(fmt::format("SELECT {}, {} FROM points p JOIN nights n ON n.id = p.night_id WHERE "
                                              "p.series_id = $1 ORDER BY n.created_at, n.id",
                                              kPointColumns, with_values ? kPointValues : "NULL, NULL, NULL"),
                                  {series_id}))
    out.push_back(point_from(r, 0, with_values));
  return out;
}

std::map<int64_t, std::vector<PointRecord>> HistoryStore::points_of_machine(int64_t machine_id, const std::string& since,
                                                                           const std::string& cell_metric) {
  std::map<int64_t, std::vector<PointRecord>> out;
  for (const auto& r : db_->query(fmt::format("SELECT p.series_id, {} FROM points p JOIN nights n ON n.id = p.night_id "
                                              "JOIN series s ON s.id = p.series_id WHERE n.machine_id = $1 AND "
                                              "n.created_at >= $2 AND (s.kind <> 'cell' OR s.metric = $3) ORDER BY "
                                              "p.series_id, n.created_at, n.id",
                                              kPointColumns),
                                  {machine_id, since, cell_metric}))
    out[r.integer(0)].push_back(point_from(r, 1, false));
  return out;
}

int64_t HistoryStore::add_regression(const RegressionRecord& g, bool keep_updated_at) {
  // One per (series, night): a re-detection updates it in place, so its id stays valid.
  return db_
      ->query("INSERT INTO regressions (series_id, detected_night_id, first_bad_night_id, state, direction, ratio, low, "
              "high, p_value, q_value, nights_of_evidence, commit_range, counters, confirmation, note, updated_at) VALUES "
              "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
              "ON CONFLICT (series_id, detected_night_id) DO UPDATE SET first_bad_night_id = excluded.first_bad_night_id, "
              "state = excluded.state, direction = excluded.direction, ratio = excluded.ratio, low = excluded.low, "
              "high = excluded.high, p_value = excluded.p_value, q_value = excluded.q_value, "
              "nights_of_evidence = excluded.nights_of_evidence, commit_range = excluded.commit_range, "
              "counters = excluded.counters, confirmation = excluded.confirmation, note = excluded.note, "
              "updated_at = excluded.updated_at RETURNING id",
              {g.series_id, g.detected_night_id, optional_id(g.first_bad_night_id), util::name_string(g.state),
               util::name_string(g.direction), g.ratio, g.low, g.high, g.p_value, g.q_value,
               int64_t{g.nights_of_evidence}, g.commit_range, g.counters, g.confirmation, g.note,
               keep_updated_at ? g.updated_at : os::utc_now_iso8601()})
      .front()
      .integer(0);
}

void HistoryStore::update_regression(const RegressionRecord& g) {
  db_->run("UPDATE regressions SET first_bad_night_id = $2, state = $3, ratio = $4, low = $5, high = $6, p_value = $7, "
           "q_value = $8, nights_of_evidence = $9, commit_range = $10, counters = $11, confirmation = $12, note = $13, "
           "updated_at = $14 WHERE id = $1",
           {g.id, optional_id(g.first_bad_night_id), util::name_string(g.state), g.ratio, g.low, g.high, g.p_value,
            g.q_value, int64_t{g.nights_of_evidence}, g.commit_range, g.counters, g.confirmation, g.note,
            os::utc_now_iso8601()});
}

std::vector<RegressionRecord> HistoryStore::regressions(std::optional<RegressionState> state) {
  std::vector<RegressionRecord> out;
  const auto rows =
      state ? db_->query(fmt::format("SELECT {} FROM regressions WHERE state = $1 ORDER BY id", kRegressionColumns),
                         {util::name_string(*state)})
            : db_->query(fmt::format("SELECT {} FROM regressions ORDER BY id", kRegressionColumns));
  for (const auto& r : rows) out.push_back(regression_from(r));
  return out;
}

std::optional<RegressionRecord> HistoryStore::regression(int64_t id) {
  const auto rows = db_->query(fmt::format("SELECT {} FROM regressions WHERE id = $1", kRegressionColumns), {id});
  if (rows.empty()) return std::nullopt;
  return regression_from(rows.front());
}

int64_t HistoryStore::add_annotation(const Annotation& a) {
  return db_
      ->query("INSERT INTO annotations (machine_id, series_glob, night_id, kind, note, created_at) VALUES ($1, $2, $3, "
              "$4, $5, $6) RETURNING id",
              {a.machine_id, a.series_glob, a.night_id, a.kind, a.note, os::utc_now_iso8601()})
      .front()
      .integer(0);
}

int64_t HistoryStore::put_annotation(const Annotation& a, const std::string& origin) {
  return db_
      ->query("INSERT INTO annotations (machine_id, series_glob, night_id, kind, note, created_at, origin) VALUES ($1, "
              "$2, $3, $4, $5, $6, $7) ON CONFLICT (origin) DO UPDATE SET series_glob = excluded.series_glob, "
              "night_id = excluded.night_id, kind = excluded.kind, note = excluded.note RETURNING id",
              {a.machine_id, a.series_glob, a.night_id, a.kind, a.note, a.created_at, origin})
      .front()
      .integer(0);
}

std::vector<Annotation> HistoryStore::annotations() {
  std::vector<Annotation> out;
  for (const auto& r : db_->query("SELECT id, machine_id, series_glob, night_id, kind, note, created_at FROM annotations "
                                  "ORDER BY id"))
    out.push_back({r.integer(0), r.integer(1), r.text(2), r.integer(3), r.text(4), r.text(5), r.text(6)});
  return out;
}

void HistoryStore::insert_change_points(const std::vector<ChangePoint>& points) {
  for (const auto& c : points)
    db_->run("INSERT INTO change_points (series_id, night_id, ratio, p_value) VALUES ($1, $2, $3, $4)",
             {c.series_id, c.night_id, c.ratio, c.p_value});
}

void HistoryStore::replace_change_points(int64_t series_id, std::vector<ChangePoint> points) {
  db_->run("DELETE FROM change_points WHERE series_id = $1", {series_id});
  for (auto& c : points) c.series_id = series_id;
  insert_change_points(points);
}

void HistoryStore::replace_machine_change_points(int64_t machine_id, const std::vector<ChangePoint>& points) {
  db_->run("DELETE FROM change_points WHERE series_id IN (SELECT id FROM series WHERE machine_id = $1)", {machine_id});
  insert_change_points(points);
}

std::vector<ChangePoint> HistoryStore::change_points(std::optional<int64_t> series_id) {
  std::vector<ChangePoint> out;
  const auto rows =
      series_id ? db_->query("SELECT series_id, night_id, ratio, p_value FROM change_points WHERE series_id = $1",
                             {*series_id})
                : db_->query("SELECT series_id, night_id, ratio, p_value FROM change_points");
  for (const auto& r : rows) out.push_back({r.integer(0), r.integer(1), r.real(2), r.real(3)});
  return out;
}

std::vector<HistoryStore::Machine> HistoryStore::machines() {
  std::vector<Machine> out;
  for (const auto& r : db_->query("SELECT id, fingerprint, description FROM machines ORDER BY id"))
    out.push_back({r.integer(0), r.text(1), r.text(2)});
  return out;
}

}  // namespace ftbench::history
