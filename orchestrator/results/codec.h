#pragma once

#include <rapidjson/document.h>

#include <string>

#include "results/manifest.h"
#include "results/results.h"
#include "util/json.h"

namespace ftbench::results {

// The one place the results schema (docs/results-schema.md) is written and read.
void write_json(util::JsonWriter& w, const ProcessRun& run);
void write_json(util::JsonWriter& w, const discovery::InterpreterFacts& facts);  // also `interpreters --json`
void write_json(util::JsonWriter& w, const Manifest& manifest);

ProcessRun read_process_run(const rapidjson::Value& v);
Manifest read_manifest_value(const rapidjson::Value& v);  // throws UserError on a newer schema

std::string to_json(const ProcessRun& run);
std::string to_json(const Manifest& manifest);
// results.json: the manifest's fields plus "runs": [...]
std::string merged_json(const Manifest& manifest, const std::vector<ProcessRun>& runs);

}  // namespace ftbench::results
