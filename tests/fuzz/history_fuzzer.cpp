// The history's import (`orchestrate history import RUN_DIR`, history/store.h): a run
// directory from one input (fuzz_support.h), read by the run-directory readers and stored in
// a fresh in-memory SQLite history, then read back the way the history views read it.
//
// Why this surface and not a fuzzed SQLite file: run directories are what reaches a history
// from outside (copied between boxes, hand-edited, damaged by a full disk), and every value in
// them flows into the series, points and blobs the store writes. A damaged history file is
// SQLite's own format, fuzzed by SQLite upstream; our side of it (refusing a foreign, newer or
// corrupt file with one line) is covered by tests/orchestrator/history/store_test.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "history/store.h"
#include "results/run_store.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ftbench;
  static fuzz::ScratchRunDirectory scratch;
  const auto& dir = scratch.write(data, size);
  try {
    const auto loaded = results::load_run_directory(dir);
    if (loaded.manifest.status != results::RunState::complete) return 0;  // import refuses these first
    history::HistoryStore store(history::open_sqlite(":memory:"));
    store.ingest(loaded.manifest, loaded.runs, {dir, "", false, ""});
    for (const auto& s : store.series()) (void)store.points(s.id);
    (void)store.nights();
  } catch (const UserError&) {
    // refused with a message (HistoryError, DatabaseError and the readers' errors are UserErrors)
  }
  return 0;
}
