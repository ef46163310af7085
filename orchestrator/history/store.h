#pragma once
// The nightly history: every night (one finished run directory) with its raw per-iteration
// values, the series they belong to, annotations, change points and regressions, in one
// database (docs/history.md has the schema). Ingesting is idempotent: a run already stored is
// not added twice. Schema versions migrate forward; a newer or a foreign database is refused
// with one line and never changed.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "history/database.h"
#include "history/identity.h"
#include "results/manifest.h"
#include "results/process_run.h"
#include "util/enum_names.h"
#include "util/error.h"

namespace ftbench::history {

inline constexpr int kHistorySchemaVersion = 3;

// One line for the person at the terminal (cron mails it): what is wrong with the history.
class HistoryError : public UserError {
 public:
  using UserError::UserError;
};

// The statements that take a schema from version to-1 to `to` on `db`'s backend (tests build
// every earlier version with them).
std::vector<std::string> migration_statements(int to, const Database& db);

struct NightRecord {
  int64_t id = 0;
  int64_t machine_id = 0;
  std::string run_id;
  std::string created_at;
  std::string config_name;
  std::string run_dir;
  bool excluded = false;           // stored, but not evidence: the machine was unfit
  std::string exclusion_reason;
  std::string preflight;           // JSON: the checks before the run
  std::string machine_state;       // JSON: SMT, turbo, governor, kernel, hostname that night
  bool pruned = false;             // its run directory was removed (`history prune`)
  double machine_factor = 1;       // how slow the machine ran that night against its recent nights (detect.h)
  std::string finished_at;
  std::string ingested_at;
};

// The host a night ran on (its machine state's hostname; "" when unknown): what tells apart two
// identical boxes, which share a machine fingerprint.
std::string night_host(const NightRecord& night);

// What one interpreter label was on one night.
struct NightInterpreter {
  std::string label;
  std::string identity;
  std::string version;
  std::string sha256;
  std::string commit;
  std::string executable;
};

struct SeriesRecord {
  int64_t id = 0;
  int64_t machine_id = 0;
  SeriesIdentity identity;
  std::string unit;  // "ns", "count", "ratio"
};

// One night's value of one series: its centre, interval and (for cells) the raw values.
struct PointRecord {
  int64_t night_id = 0;
  std::string run_id;
  std::string created_at;
  bool excluded = false;
  double value = 0;                // median of the process medians (cells), the ratio or efficiency (derived)
  double low = 0;
  double high = 0;
  int processes = 0;
  std::vector<double> units;       // one per process (cells)
  std::vector<double> raw;         // every measured iteration (cells)
  std::vector<int> raw_process;    // the process of each raw value
  double machine_factor = 1;       // the night's (NightRecord): value / machine_factor is on the machine's usual scale
};

enum class RegressionState { suspect, confirmed, cleared, acknowledged, expected, fixed };
inline constexpr util::EnumName<RegressionState> kRegressionStateNames[] = {
    {RegressionState::suspect, "suspect"},           {RegressionState::confirmed, "confirmed"},
    {RegressionState::cleared, "cleared"},           {RegressionState::acknowledged, "acknowledged"},
    {RegressionState::expected, "expected"},         {RegressionState::fixed, "fixed"}};
constexpr std::span<const util::EnumName<RegressionState>> enum_names(RegressionState) { return kRegressionStateNames; }

enum class Direction { slower, faster };
inline constexpr util::EnumName<Direction> kDirectionNames[] = {{Direction::slower, "slower"},
                                                                {Direction::faster, "faster"}};
constexpr std::span<const util::EnumName<Direction>> enum_names(Direction) { return kDirectionNames; }

struct RegressionRecord {
  int64_t id = 0;
  int64_t series_id = 0;
  int64_t detected_night_id = 0;
  std::optional<int64_t> first_bad_night_id;
  RegressionState state = RegressionState::suspect;
  Direction direction = Direction::slower;
  double ratio = 1;              // tonight / the series' segment
  double low = 0;
  double high = 0;
  double p_value = 1;
  double q_value = 1;            // Benjamini-Hochberg over the night's series
  int nights_of_evidence = 1;
  std::string commit_range;      // "abc123..def456" of the interpreter, when known
  std::string counters;          // JSON: the counters per op that moved with it
  std::string confirmation;      // JSON: how it was confirmed or cleared
  std::string note;              // acknowledgement / annotation text
  std::string updated_at;
};

struct Annotation {
  int64_t id = 0;
  int64_t machine_id = 0;        // 0: every machine
  std::string series_glob;       // over series names ("3.13t scaling/* t2 *"); "*": all
  int64_t night_id = 0;          // the first night it applies to (a step starts there)
  std::string kind;              // expected_step | machine_change | note
  std::string note;
  std::string created_at;
};

struct ChangePoint {
  int64_t series_id = 0;
  int64_t night_id = 0;          // the first night after the change
  double ratio = 1;              // after / before
  double p_value = 1;
};

struct IngestOptions {
  std::filesystem::path run_dir;
  std::string preflight;         // JSON
  bool excluded = false;
  std::string exclusion_reason;
};

struct IngestOutcome {
  int64_t night_id = 0;
  bool added = false;            // false: this run was stored before (nothing changed)
  size_t points = 0;
};

class HistoryStore {
 public:
  // Validates the database (ours, not newer than this build) and migrates it to the current
  // schema. Throws HistoryError with one line otherwise.
  // read: a store only read (`--from`) is never migrated, so one person with a newer build
  // cannot lock every box of a fleet out of its shared store; an older one is refused.
  enum class Access { write, read };
  explicit HistoryStore(std::unique_ptr<Database> db, Access access = Access::write);
  static HistoryStore open(const std::filesystem::path& sqlite_file);
  // A fleet's shared store on a PostgreSQL server (docs/fleet.md).
  static HistoryStore open_url(const std::string& url, Access access = Access::write);

  // Stores one finished run: its night, interpreters, series and points, in one transaction.
  // Throws HistoryError for a run that is not complete (resume it first) or a full disk;
  // nothing is half stored.
  IngestOutcome ingest(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs,
                       const IngestOptions& options);

  std::vector<NightRecord> nights(std::optional<int64_t> machine_id = std::nullopt);
  std::optional<NightRecord> night(int64_t id);
  // By run id (on one machine, when given: a fleet's store holds a run id once per machine).
  std::optional<NightRecord> night_by_run(const std::string& run_id, std::optional<int64_t> machine_id = std::nullopt);
  std::vector<NightInterpreter> night_interpreters(int64_t night_id);
  void set_excluded(int64_t night_id, bool excluded, const std::string& reason);
  void set_pruned(int64_t night_id);
  void set_machine_factor(int64_t night_id, double factor);

  std::vector<SeriesRecord> series(std::optional<int64_t> machine_id = std::nullopt);
  std::optional<SeriesRecord> series_by_id(int64_t id);
  std::vector<PointRecord> points(int64_t series_id, bool with_values = true);  // oldest first
  // One machine's points since a night (ISO 8601; "" all), without values, in one statement:
  // the derived series and, of the cells, the metric given. Series id -> points, oldest first.
  std::map<int64_t, std::vector<PointRecord>> points_of_machine(int64_t machine_id, const std::string& since,
                                                                const std::string& cell_metric);

  // One per (series, detected night): updated in place. keep_updated_at: a copy from another
  // store (push) keeps its own time.
  int64_t add_regression(const RegressionRecord& r, bool keep_updated_at = false);
  void update_regression(const RegressionRecord& r);
  std::vector<RegressionRecord> regressions(std::optional<RegressionState> state = std::nullopt);
  std::optional<RegressionRecord> regression(int64_t id);

  int64_t add_annotation(const Annotation& a);
  std::vector<Annotation> annotations();

  void replace_change_points(int64_t series_id, std::vector<ChangePoint> points);
  std::vector<ChangePoint> change_points(std::optional<int64_t> series_id = std::nullopt);

  struct Machine {
    int64_t id = 0;
    std::string fingerprint;
    std::string description;
  };
  std::vector<Machine> machines();

  // The building blocks of ingest and of `history push` (history/push.h): each adds what is
  // missing and leaves what is there, so a repeated or concurrent write changes nothing.
  int64_t ensure_machine(const Machine& m);                     // -> its id (m.id is ignored)
  std::optional<int64_t> insert_night(const NightRecord& n);    // nullopt: that run is already stored for that machine
  void add_night_interpreter(int64_t night_id, const NightInterpreter& i);
  int64_t ensure_series(const SeriesRecord& s);                 // by identity key; -> its id
  using NightPoint = std::pair<int64_t, PointRecord>;           // series id, point (with its values)
  void insert_points(const std::vector<NightPoint>& points);
  std::vector<NightPoint> night_points_of(int64_t night_id);
  // The points of `kind` on each machine's newest counted (not excluded) night, without values.
  std::vector<NightPoint> newest_night_points(SeriesKind kind);
  void update_night_state(const NightRecord& n);                // excluded, reason, pruned, machine factor
  int64_t put_annotation(const Annotation& a, const std::string& origin);  // one per origin
  void replace_machine_change_points(int64_t machine_id, const std::vector<ChangePoint>& points);

  Database& database() { return *db_; }

 private:
  void migrate(Access access);
  void insert_change_points(const std::vector<ChangePoint>& points);
  std::unique_ptr<Database> db_;
};

}  // namespace ftbench::history
