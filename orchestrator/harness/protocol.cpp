#include "harness/protocol.h"

#include "util/strings.h"

namespace ftbench::harness {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string quoted(std::string_view line) {
  return "'" + util::truncate(std::string(line), 120) + "'";
}

// The message's "type" and the checks every message shares.
struct Envelope {
  json::Document doc;
  std::string type;
};

std::optional<Envelope> envelope(std::string_view line, std::string& problem) {
  auto doc = json::parse(line);
  std::string type;
  if (!doc || !doc->IsObject() || !json::get(*doc, "type", type)) {
    problem = "not a protocol message: " + quoted(line);
    return std::nullopt;
  }
  return Envelope{std::move(*doc), std::move(type)};
}

template <class T>
bool require(const json::Value& v, std::string_view key, T& out, const std::string& type, std::string& problem) {
  if (json::get(v, key, out)) return true;
  problem = "malformed '" + type + "': no valid '" + std::string(key) + "'";
  return false;
}

}  // namespace

std::string_view type_name(const ChildMessage& message) {
  return std::visit(Overloaded{[](const Hello&) { return "hello"; }, [](const Ready&) { return "ready"; },
                               [](const Done&) { return "done"; }, [](const Watch&) { return "watch"; },
                               [](const Bye&) { return "bye"; },
                               [](const Error&) { return "error"; }},
                    message);
}

std::string_view type_name(const Command& command) {
  return std::visit(Overloaded{[](const Start&) { return "start"; }, [](const Go&) { return "go"; },
                               [](const Ack&) { return "ack"; }, [](const Stop&) { return "stop"; },
                               [](const Armed&) { return "armed"; }},
                    command);
}

std::string render(const ChildMessage& message) {
  json::Writer w(json::Writer::Style::compact);
  w.start_object();
  w.field("type", type_name(message));
  std::visit(Overloaded{[&](const Hello& m) {
                          w.field("protocol", m.protocol);
                          w.field("pid", m.pid);
                          w.field("os_threads", m.os_threads);
                          w.field("interpreter", m.interpreter);
                          w.field("workload", m.workload);
                        },
                        [&](const Ready& m) {
                          w.field("iteration", m.iteration);
                          if (!m.tids.empty()) w.field("tids", m.tids);
                          if (!m.candidates.empty()) w.field("candidates", m.candidates);
                          if (m.truncated) w.field("truncated", true);
                        },
                        [&](const Done& m) {
                          w.field("iteration", m.report.index);
                          json::write_fields(w, m.report);
                          if (!m.written.empty()) w.field("written", m.written);
                          if (!m.candidates.empty()) w.field("candidates", m.candidates);
                          if (m.truncated) w.field("truncated", true);
                        },
                        [&](const Watch& m) {
                          w.field("iteration", m.iteration);
                          w.field("tid", m.tid);
                          w.field("candidates", m.candidates);
                          if (m.truncated) w.field("truncated", true);
                        },
                        [&](const Bye& m) {
                          w.field("gil_enabled", m.gil_enabled);
                          w.field("checked", m.checked);
                        },
                        [&](const Error& m) {
                          w.field("phase", m.phase);
                          w.field("message", m.message);
                          w.field("traceback", m.traceback);
                        }},
             message);
  w.end_object();
  return w.str();
}

std::string render(const Command& command) {
  json::Writer w(json::Writer::Style::compact);
  w.start_object();
  w.field("type", type_name(command));
  std::visit(Overloaded{[](const Start&) {}, [](const Stop&) {},
                        [&](const Go& m) {
                          w.field("iteration", m.iteration);
                          w.field("warmup", m.warmup);
                        },
                        [&](const Ack& m) { w.field("iteration", m.iteration); },
                        [&](const Armed& m) { w.field("iteration", m.iteration); }},
             command);
  w.end_object();
  return w.str();
}

Parsed<ChildMessage> parse_child_message(std::string_view line) {
  Parsed<ChildMessage> out;
  auto env = envelope(line, out.problem);
  if (!env) return out;
  const auto& v = env->doc;
  const auto& type = env->type;
  if (type == "hello") {
    Hello m;
    if (!require(v, "protocol", m.protocol, type, out.problem)) return out;
    json::get(v, "pid", m.pid);
    json::get(v, "os_threads", m.os_threads);
    json::get(v, "interpreter", m.interpreter);
    json::get(v, "workload", m.workload);
    out.message = std::move(m);
  } else if (type == "ready") {
    Ready m;
    if (!require(v, "iteration", m.iteration, type, out.problem)) return out;
    json::get(v, "tids", m.tids);
    json::get(v, "candidates", m.candidates);
    json::get(v, "truncated", m.truncated);
    out.message = std::move(m);
  } else if (type == "done") {
    Done m;
    if (!require(v, "iteration", m.report.index, type, out.problem)) return out;
    json::read_fields(v, m.report);
    if (m.report.region_ns <= 0) {
      out.problem = "malformed 'done' for iteration " + std::to_string(m.report.index) + ": region_ns must be > 0";
      return out;
    }
    json::get(v, "written", m.written);
    json::get(v, "candidates", m.candidates);
    json::get(v, "truncated", m.truncated);
    out.message = std::move(m);
  } else if (type == "watch") {
    Watch m;
    if (!require(v, "iteration", m.iteration, type, out.problem) || !require(v, "tid", m.tid, type, out.problem))
      return out;
    json::get(v, "candidates", m.candidates);
    json::get(v, "truncated", m.truncated);
    out.message = std::move(m);
  } else if (type == "bye") {
    Bye m;
    json::get(v, "gil_enabled", m.gil_enabled);
    json::get(v, "checked", m.checked);
    out.message = m;
  } else if (type == "error") {
    Error m;
    json::get(v, "phase", m.phase);  // an unknown phase reads as "protocol"
    json::get(v, "message", m.message);
    json::get(v, "traceback", m.traceback);
    out.message = std::move(m);
  } else {
    out.problem = "unknown message type '" + util::truncate(type, 40) + "'";
  }
  return out;
}

Parsed<Command> parse_command(std::string_view line) {
  Parsed<Command> out;
  auto env = envelope(line, out.problem);
  if (!env) return out;
  const auto& v = env->doc;
  const auto& type = env->type;
  if (type == "start") {
    out.message = Start{};
  } else if (type == "stop") {
    out.message = Stop{};
  } else if (type == "go") {
    Go m;
    if (!require(v, "iteration", m.iteration, type, out.problem) || !require(v, "warmup", m.warmup, type, out.problem))
      return out;
    out.message = m;
  } else if (type == "ack") {
    Ack m;
    if (!require(v, "iteration", m.iteration, type, out.problem)) return out;
    out.message = m;
  } else if (type == "armed") {
    Armed m;
    if (!require(v, "iteration", m.iteration, type, out.problem)) return out;
    out.message = m;
  } else {
    out.problem = "unknown command '" + util::truncate(type, 40) + "'";
  }
  return out;
}

}  // namespace ftbench::harness
