#pragma once
// `orchestrate history push`: copies a box's nights into a fleet's shared store (docs/fleet.md).
// The box's own history stays the source of truth: the shared store only ever receives.
// - Idempotent: a night is identified by its run id and its machine fingerprint; one already
//   there is not copied again (its later state - excluded, pruned, the machine's factor - is).
// - Resumable: one transaction per night; a push cut off keeps the nights it finished, and
//   the next push copies the rest.
// - Concurrent: boxes pushing at once meet only on unique keys (machines, series, nights),
//   which the database arbitrates.
// Regressions (with their states: an acknowledgement on the box reaches the fleet on the
// next push), change points and annotations follow the nights.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "history/store.h"

namespace ftbench::history {

struct PushOutcome {
  size_t nights_pushed = 0;       // copied now
  size_t nights_present = 0;      // there before
  size_t nights_updated = 0;      // there before, with a changed state
  size_t points = 0;
  size_t regressions = 0;
  size_t change_points = 0;
  size_t annotations = 0;
  // Nights another host already pushed under the same run id and machine fingerprint (two
  // identical boxes running the same config at the same second): not copied, named here.
  std::vector<std::string> collisions;
};

// `progress` hears one line per night copied ("20261130-023000-nightly: 264 series").
PushOutcome push_history(HistoryStore& from, HistoryStore& to,
                         const std::function<void(const std::string&)>& progress = {});

}  // namespace ftbench::history
