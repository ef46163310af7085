#include "results/codec.h"

#include "util/error.h"

namespace ftbench::results {

using util::JsonWriter;
using util::put;

std::string to_string(RunStatus s) { return s == RunStatus::ok ? "ok" : "failed"; }

void write_json(JsonWriter& w, const discovery::InterpreterFacts& f) {
  w.StartObject();
  put(w, "path", f.path.string());
  put(w, "executable", f.executable.string());
  put(w, "source", discovery::to_string(f.source));
  put(w, "implementation", f.implementation);
  put(w, "version", f.version_text);
  put(w, "free_threaded_build", f.free_threaded_build);
  put(w, "gil_enabled", f.gil_enabled);
  put(w, "configure_args", f.configure_args);
  put(w, "compiler", f.compiler);
  w.EndObject();
}

namespace {

discovery::InterpreterFacts read_facts(const rapidjson::Value& v) {
  using namespace util;
  discovery::InterpreterFacts f;
  f.path = get_string(v, "path");
  f.executable = get_string(v, "executable");
  auto source = get_string(v, "source");
  for (auto s : {discovery::Source::provisioned, discovery::Source::explicit_path, discovery::Source::pyenv,
                 discovery::Source::uv, discovery::Source::path, discovery::Source::system})
    if (discovery::to_string(s) == source) f.source = s;
  f.implementation = get_string(v, "implementation");
  f.version_text = get_string(v, "version");
  f.version = discovery::PythonVersion::parse(f.version_text).value_or(discovery::PythonVersion{});
  f.free_threaded_build = get_bool(v, "free_threaded_build");
  f.gil_enabled = get_bool(v, "gil_enabled", true);
  f.configure_args = get_string(v, "configure_args");
  f.compiler = get_string(v, "compiler");
  return f;
}

void write_counter(JsonWriter& w, const CounterResult& c) {
  w.StartObject();
  put(w, "name", c.name);
  put(w, "status", c.status);
  if (!c.message.empty()) put(w, "message", c.message);
  put(w, "value", c.value);
  put(w, "raw", c.raw);
  put(w, "running_fraction", c.running_fraction);
  if (!c.per_pmu.empty()) {
    w.Key("per_pmu");
    w.StartObject();
    for (const auto& [pmu, value] : c.per_pmu) put(w, pmu.c_str(), value);
    w.EndObject();
  }
  w.EndObject();
}

CounterResult read_counter(const rapidjson::Value& v) {
  using namespace util;
  CounterResult c;
  c.name = get_string(v, "name");
  c.status = get_string(v, "status");
  c.message = get_string(v, "message");
  c.value = get_double(v, "value");
  c.raw = get_uint(v, "raw");
  c.running_fraction = get_double(v, "running_fraction");
  if (auto p = get_object(v, "per_pmu"))
    for (const auto& m : p->GetObject())
      if (m.value.IsNumber()) c.per_pmu.emplace_back(m.name.GetString(), m.value.GetDouble());
  return c;
}

}  // namespace

void write_json(JsonWriter& w, const ProcessRun& r) {
  w.StartObject();
  put(w, "item_id", r.item_id);
  put(w, "sequence", r.sequence);
  put(w, "round", r.round);
  put(w, "interpreter", r.interpreter);
  put(w, "benchmark", r.benchmark);
  put(w, "threads", r.threads);
  put(w, "process_index", r.process_index);
  put(w, "status", to_string(r.status));
  put(w, "failure", r.failure);
  if (!r.error_phase.empty()) put(w, "error_phase", r.error_phase);
  if (!r.error_traceback.empty()) put(w, "error_traceback", r.error_traceback);
  if (!r.stderr_tail.empty()) put(w, "stderr_tail", r.stderr_tail);
  put(w, "exit", r.exit);
  put(w, "cpus", r.cpus);
  put(w, "started_at", r.started_at);
  put(w, "duration_s", r.duration_s);
  w.Key("child");
  if (r.child) {
    const auto& c = *r.child;
    w.StartObject();
    put(w, "implementation", c.implementation);
    put(w, "version", c.version);
    put(w, "executable", c.executable);
    put(w, "free_threaded_build", c.free_threaded_build);
    put(w, "gil_enabled", c.gil_enabled);
    put(w, "configure_args", c.configure_args);
    put(w, "compiler", c.compiler);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("workload");
  if (r.workload) {
    const auto& wl = *r.workload;
    w.StartObject();
    put(w, "id", wl.id);
    put(w, "kind", wl.kind);
    put(w, "scaling", wl.scaling);
    put(w, "op_name", wl.op_name);
    put(w, "tags", wl.tags);
    put(w, "size", wl.size);
    put(w, "size_preset", wl.size_preset);
    put(w, "ops_per_iteration", wl.ops_per_iteration);
    w.EndObject();
  } else {
    w.Null();
  }
  put(w, "gil_enabled_at_exit", r.gil_enabled_at_exit);
  put(w, "checked", r.checked);
  w.Key("counter_capabilities");
  w.StartArray();
  for (const auto& c : r.capabilities) {
    w.StartObject();
    put(w, "name", c.name);
    put(w, "status", c.status);
    if (!c.message.empty()) put(w, "message", c.message);
    if (!c.encoding.empty()) put(w, "encoding", c.encoding);
    if (c.proxy) put(w, "proxy", true);
    if (!c.note.empty()) put(w, "note", c.note);
    w.EndObject();
  }
  w.EndArray();
  w.Key("iterations");
  w.StartArray();
  for (const auto& it : r.iterations) {
    w.StartObject();
    put(w, "index", it.index);
    put(w, "warmup", it.warmup);
    put(w, "region_ns", it.region_ns);
    put(w, "ops", it.ops);
    put(w, "gil_enabled", it.gil_enabled);
    w.Key("threads");
    w.StartArray();
    for (const auto& t : it.threads) {
      w.StartObject();
      put(w, "index", t.index);
      put(w, "wall_ns", t.wall_ns);
      put(w, "cpu_ns", t.cpu_ns);
      w.EndObject();
    }
    w.EndArray();
    w.Key("counters");
    w.StartArray();
    for (const auto& c : it.counters) write_counter(w, c);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

ProcessRun read_process_run(const rapidjson::Value& v) {
  using namespace util;
  ProcessRun r;
  r.item_id = get_string(v, "item_id");
  r.sequence = static_cast<size_t>(get_uint(v, "sequence"));
  r.round = static_cast<int>(get_int(v, "round"));
  r.interpreter = get_string(v, "interpreter");
  r.benchmark = get_string(v, "benchmark");
  r.threads = static_cast<int>(get_int(v, "threads", 1));
  r.process_index = static_cast<int>(get_int(v, "process_index"));
  r.status = get_string(v, "status") == "ok" ? RunStatus::ok : RunStatus::failed;
  r.failure = get_string(v, "failure");
  r.error_phase = get_string(v, "error_phase");
  r.error_traceback = get_string(v, "error_traceback");
  r.stderr_tail = get_string(v, "stderr_tail");
  r.exit = get_string(v, "exit");
  r.cpus = get_ints(v, "cpus");
  r.started_at = get_string(v, "started_at");
  r.duration_s = get_double(v, "duration_s");
  if (auto c = get_object(v, "child")) {
    ChildInterpreter ci;
    ci.implementation = get_string(*c, "implementation");
    ci.version = get_string(*c, "version");
    ci.executable = get_string(*c, "executable");
    ci.free_threaded_build = get_bool(*c, "free_threaded_build");
    ci.gil_enabled = get_bool(*c, "gil_enabled", true);
    ci.configure_args = get_string(*c, "configure_args");
    ci.compiler = get_string(*c, "compiler");
    r.child = ci;
  }
  if (auto wl = get_object(v, "workload")) {
    WorkloadInfo info;
    info.id = get_string(*wl, "id");
    info.kind = get_string(*wl, "kind");
    info.scaling = get_string(*wl, "scaling");
    info.op_name = get_string(*wl, "op_name");
    info.tags = get_strings(*wl, "tags");
    info.size = get_int(*wl, "size");
    info.size_preset = get_string(*wl, "size_preset");
    info.ops_per_iteration = get_int(*wl, "ops_per_iteration");
    r.workload = info;
  }
  r.gil_enabled_at_exit = get_bool(v, "gil_enabled_at_exit", true);
  r.checked = get_bool(v, "checked");
  if (auto caps = get_array(v, "counter_capabilities"))
    for (const auto& c : caps->GetArray())
      r.capabilities.push_back({get_string(c, "name"), get_string(c, "status"), get_string(c, "message"),
                                get_string(c, "encoding"), get_bool(c, "proxy"), get_string(c, "note")});
  if (auto its = get_array(v, "iterations")) {
    for (const auto& i : its->GetArray()) {
      Iteration it;
      it.index = static_cast<int>(get_int(i, "index"));
      it.warmup = get_bool(i, "warmup");
      it.region_ns = get_int(i, "region_ns");
      it.ops = get_int(i, "ops");
      it.gil_enabled = get_bool(i, "gil_enabled", true);
      if (auto ts = get_array(i, "threads"))
        for (const auto& t : ts->GetArray())
          it.threads.push_back({static_cast<int>(get_int(t, "index")), get_int(t, "wall_ns"), get_int(t, "cpu_ns")});
      if (auto cs = get_array(i, "counters"))
        for (const auto& c : cs->GetArray()) it.counters.push_back(read_counter(c));
      r.iterations.push_back(std::move(it));
    }
  }
  return r;
}

namespace {

void write_manifest_fields(JsonWriter& w, const Manifest& m) {
  put(w, "schema", "ftbench-results");
  put(w, "schema_version", kSchemaVersion);
  put(w, "run_id", m.run_id);
  put(w, "status", m.status);
  put(w, "created_at", m.created_at);
  put(w, "finished_at", m.finished_at);
  w.Key("tool");
  w.StartObject();
  put(w, "name", "ftbench orchestrate");
  put(w, "version", m.tool_version);
  put(w, "git_revision", m.git_revision);
  put(w, "command_line", m.command_line);
  w.EndObject();

  const auto& p = m.plan;
  w.Key("config");
  w.StartObject();
  put(w, "file", m.config_file);
  put(w, "name", m.config_name);
  put(w, "text", m.config_text);
  put(w, "seed", p.seed);
  put(w, "warmups", p.warmups);
  put(w, "iterations", p.iterations);
  put(w, "size", p.size);
  put(w, "timeout_s", p.timeout_seconds);
  put(w, "target_rel_ci", p.target_rel_ci);
  put(w, "max_seconds_per_benchmark", p.max_seconds_per_benchmark);
  put(w, "threads", p.threads);
  put(w, "affinity", config::to_string(m.affinity.mode));
  put(w, "affinity_cpus", m.affinity.cpus);
  put(w, "formats", m.formats);
  w.Key("events");
  w.StartArray();
  for (const auto& e : p.events) {
    w.StartObject();
    put(w, "name", e.name);
    put(w, "required", e.required);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  w.Key("interpreters");
  w.StartArray();
  for (const auto& i : p.interpreters) {
    w.StartObject();
    put(w, "label", i.label);
    put(w, "baseline", i.baseline);
    w.Key("env");
    w.StartObject();
    for (const auto& [k, v] : i.env) put(w, k.c_str(), v);
    w.EndObject();
    w.Key("facts");
    write_json(w, i.facts);
    w.EndObject();
  }
  w.EndArray();

  w.Key("benchmarks");
  w.StartArray();
  for (const auto& b : p.benchmarks) {
    w.StartObject();
    put(w, "id", b.id);
    put(w, "kind", b.kind);
    put(w, "scaling", b.scaling);
    put(w, "op_name", b.op_name);
    put(w, "summary", b.summary);
    put(w, "tags", b.tags);
    if (b.kind == "script") {
      put(w, "script_path", b.script_path);
      put(w, "script_args", b.script_args);
    }
    w.EndObject();
  }
  w.EndArray();

  w.Key("plan");
  w.StartArray();
  for (const auto& item : p.items) {
    w.StartObject();
    put(w, "sequence", item.sequence);
    put(w, "round", item.round);
    put(w, "interpreter", item.interpreter);
    put(w, "benchmark", item.benchmark);
    put(w, "threads", item.threads);
    put(w, "process_index", item.process_index);
    put(w, "id", p.item_id(item));
    w.EndObject();
  }
  w.EndArray();

  const auto& mi = m.machine;
  w.Key("machine");
  w.StartObject();
  put(w, "hostname", mi.hostname);
  put(w, "kernel_release", mi.kernel_release);
  put(w, "kernel_version", mi.kernel_version);
  put(w, "architecture", mi.architecture);
  put(w, "cpu_model", mi.cpu_model);
  put(w, "logical_cpus", mi.logical_cpus);
  put(w, "physical_cores", mi.physical_cores);
  put(w, "smt", mi.smt);
  put(w, "usable_cpus", mi.usable_cpus);
  put(w, "pmu", mi.pmu);
  put(w, "governor", mi.governor);
  put(w, "turbo", mi.turbo);
  put(w, "perf_event_paranoid", mi.perf_event_paranoid);
  put(w, "aslr", mi.aslr);
  put(w, "load_average", mi.load_average);
  put(w, "memory_total_kb", static_cast<int64_t>(mi.memory_total_kb));
  put(w, "boot_id", mi.boot_id);
  w.EndObject();

  w.Key("orchestrator_usage");
  w.StartObject();
  put(w, "cpu_self_s", m.cpu_self_s);
  put(w, "cpu_children_s", m.cpu_children_s);
  put(w, "max_rss_kb", static_cast<int64_t>(m.max_rss_kb));
  w.EndObject();
}

}  // namespace

void write_json(JsonWriter& w, const Manifest& m) {
  w.StartObject();
  write_manifest_fields(w, m);
  w.EndObject();
}

Manifest read_manifest_value(const rapidjson::Value& v) {
  using namespace util;
  Manifest m;
  if (get_string(v, "schema") != "ftbench-results")
    throw UserError("not an ftbench results file (no \"schema\": \"ftbench-results\")");
  m.schema_version = static_cast<int>(get_int(v, "schema_version"));
  if (m.schema_version > kSchemaVersion)
    throw UserError("results schema version " + std::to_string(m.schema_version) + " is newer than this orchestrate (" +
                    std::to_string(kSchemaVersion) + "); use a newer build");
  m.run_id = get_string(v, "run_id");
  m.status = get_string(v, "status");
  m.created_at = get_string(v, "created_at");
  m.finished_at = get_string(v, "finished_at");
  if (auto t = get_object(v, "tool")) {
    m.tool_version = get_string(*t, "version");
    m.git_revision = get_string(*t, "git_revision");
    m.command_line = get_string(*t, "command_line");
  }
  auto& p = m.plan;
  if (auto c = get_object(v, "config")) {
    m.config_file = get_string(*c, "file");
    m.config_name = get_string(*c, "name");
    m.config_text = get_string(*c, "text");
    p.seed = get_uint(*c, "seed");
    p.warmups = static_cast<int>(get_int(*c, "warmups", 1));
    p.iterations = static_cast<int>(get_int(*c, "iterations", 5));
    p.size = get_string(*c, "size", "default");
    p.timeout_seconds = get_double(*c, "timeout_s", 300);
    p.target_rel_ci = get_double(*c, "target_rel_ci", 0);
    p.max_seconds_per_benchmark = get_double(*c, "max_seconds_per_benchmark", 120);
    p.threads = get_ints(*c, "threads");
    m.affinity.mode = config::parse_affinity_mode(get_string(*c, "affinity", "none")).value_or(config::Affinity::Mode::none);
    m.affinity.cpus = get_ints(*c, "affinity_cpus");
    m.formats = get_strings(*c, "formats");
    if (auto evs = get_array(*c, "events"))
      for (const auto& e : evs->GetArray()) p.events.push_back({get_string(e, "name"), get_bool(e, "required")});
  }
  if (auto is = get_array(v, "interpreters")) {
    for (const auto& i : is->GetArray()) {
      plan::ResolvedInterpreter r;
      r.label = get_string(i, "label");
      r.baseline = get_bool(i, "baseline");
      if (auto env = get_object(i, "env"))
        for (const auto& kv : env->GetObject())
          if (kv.value.IsString()) r.env[kv.name.GetString()] = kv.value.GetString();
      if (auto f = get_object(i, "facts")) r.facts = read_facts(*f);
      p.interpreters.push_back(std::move(r));
    }
  }
  if (auto bs = get_array(v, "benchmarks")) {
    for (const auto& b : bs->GetArray()) {
      plan::Benchmark bench;
      bench.id = get_string(b, "id");
      bench.kind = get_string(b, "kind", "suite");
      bench.scaling = get_string(b, "scaling");
      bench.op_name = get_string(b, "op_name");
      bench.summary = get_string(b, "summary");
      bench.tags = get_strings(b, "tags");
      bench.script_path = get_string(b, "script_path");
      bench.script_args = get_strings(b, "script_args");
      p.benchmarks.push_back(std::move(bench));
    }
  }
  if (auto items = get_array(v, "plan")) {
    for (const auto& i : items->GetArray()) {
      plan::PlanItem item;
      item.sequence = static_cast<size_t>(get_uint(i, "sequence"));
      item.round = static_cast<int>(get_int(i, "round"));
      item.interpreter = static_cast<size_t>(get_uint(i, "interpreter"));
      item.benchmark = static_cast<size_t>(get_uint(i, "benchmark"));
      item.threads = static_cast<int>(get_int(i, "threads", 1));
      item.process_index = static_cast<int>(get_int(i, "process_index"));
      if (item.interpreter >= p.interpreters.size() || item.benchmark >= p.benchmarks.size())
        throw UserError("the run's plan refers to an interpreter or benchmark that is not listed (damaged manifest)");
      p.items.push_back(item);
    }
  }
  if (auto mi = get_object(v, "machine")) {
    auto& mm = m.machine;
    mm.hostname = get_string(*mi, "hostname");
    mm.kernel_release = get_string(*mi, "kernel_release");
    mm.kernel_version = get_string(*mi, "kernel_version");
    mm.architecture = get_string(*mi, "architecture");
    mm.cpu_model = get_string(*mi, "cpu_model");
    mm.logical_cpus = static_cast<int>(get_int(*mi, "logical_cpus"));
    mm.physical_cores = static_cast<int>(get_int(*mi, "physical_cores"));
    mm.smt = get_bool(*mi, "smt");
    mm.usable_cpus = get_ints(*mi, "usable_cpus");
    mm.pmu = get_string(*mi, "pmu");
    if (auto g = get_string(*mi, "governor"); !g.empty()) mm.governor = g;
    if (auto t = get_string(*mi, "turbo"); !t.empty()) mm.turbo = t;
    mm.perf_event_paranoid = get_optional_int(*mi, "perf_event_paranoid");
    mm.aslr = get_optional_int(*mi, "aslr");
    mm.load_average = get_string(*mi, "load_average");
    mm.memory_total_kb = get_int(*mi, "memory_total_kb");
    mm.boot_id = get_string(*mi, "boot_id");
  }
  if (auto u = get_object(v, "orchestrator_usage")) {
    m.cpu_self_s = get_double(*u, "cpu_self_s");
    m.cpu_children_s = get_double(*u, "cpu_children_s");
    m.max_rss_kb = get_int(*u, "max_rss_kb");
  }
  return m;
}

std::string to_json(const ProcessRun& run) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_json(w, run);
  return buf.GetString();
}

std::string to_json(const Manifest& manifest) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_json(w, manifest);
  return buf.GetString();
}

std::string merged_json(const Manifest& manifest, const std::vector<ProcessRun>& runs) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_manifest_fields(w, manifest);
  w.Key("runs");
  w.StartArray();
  for (const auto& r : runs) write_json(w, r);
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace ftbench::results
