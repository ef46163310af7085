#pragma once
// Umbrella header of the ftbench perf library (namespace ftbench::perf). See docs/perf.md.

#include "perf/counters.h"        // ChildCounters, Snapshot, CounterValue, difference, probe_events
#include "perf/doctor.h"          // DoctorReport, run_doctor, render_doctor_table/json
#include "perf/event_resolver.h"  // resolve_event (name -> perf_event_attr parts)
#include "perf/event_table.h"     // aliases and the HITM table
#include "perf/file_descriptor.h"
#include "perf/libpfm.h"
#include "perf/profiles.h"        // Profile, parse_profile, profile_events
#include "perf/status.h"          // Status, EventRequest, EventCapability, RequiredEventError
#include "perf/system.h"          // SystemPaths, tracefs, hybrid PMUs, paranoid
#include "perf/watchpoint.h"      // Watchpoint
