#include "harness/protocol.h"

#include <gtest/gtest.h>

namespace ftbench::harness {
namespace {

TEST(Protocol, CommandsRenderAsTheHarnessExpects) {
  EXPECT_EQ(render(Command(Start{})), R"({"type":"start"})");
  EXPECT_EQ(render(Command(Go{3, true})), R"({"type":"go","iteration":3,"warmup":true})");
  EXPECT_EQ(render(Command(Ack{3})), R"({"type":"ack","iteration":3})");
  EXPECT_EQ(render(Command(Stop{})), R"({"type":"stop"})");
  for (const Command& c : {Command(Start{}), Command(Go{1, false}), Command(Ack{4}), Command(Stop{})}) {
    auto back = parse_command(render(c));
    ASSERT_TRUE(back.message) << back.problem;
    EXPECT_EQ(type_name(*back.message), type_name(c));
  }
}

TEST(Protocol, ChildMessagesRoundTrip) {
  Hello h;
  h.protocol = 1;
  h.pid = 77;
  h.os_threads = 1;
  h.interpreter.version_text = "3.13.5";
  h.interpreter.free_threaded_build = true;
  h.workload.benchmark.id = "a/b";
  h.workload.ops_per_iteration = 10;
  Done d;
  d.report = {2, false, 12345, 10, false, {{0, 12000, 11000, 40, 9}}};
  for (const ChildMessage& m : {ChildMessage(h), ChildMessage(Ready{2, {}, {}, false}), ChildMessage(d), ChildMessage(Bye{false, true}),
                               ChildMessage(Error{Phase::check, "wrong total", "tb"})}) {
    const auto parsed = parse_child_message(render(m));
    ASSERT_TRUE(parsed.message) << parsed.problem;
    EXPECT_EQ(render(*parsed.message), render(m));
  }
}

// Lines as workloads/ftbench/protocol.py writes them (extra fields included) parse.
TEST(Protocol, ReadsWhatTheHarnessWrites) {
  const auto hello = parse_child_message(
      R"({"type":"hello","protocol":1,"pid":9,"os_threads":1,"interpreter":{"implementation":"cpython","version":"3.13.5","version_info":[3,13,5,"final",0],"executable":"/p","free_threaded_build":true,"gil_enabled":false,"configure_args":"","compiler":"GCC","cpu_count":2,"platform":"Linux","abiflags":"t"},"workload":{"id":"x","kind":"suite","path":"/x.py","scaling":"weak","tags":["a"],"op_name":"op","threads":2,"size":5,"size_preset":"quick","ops_per_iteration":10}})");
  ASSERT_TRUE(hello.message) << hello.problem;
  const auto& h = std::get<Hello>(*hello.message);
  EXPECT_EQ(h.workload.ops_per_iteration, 10);
  EXPECT_EQ(h.workload.threads, 2);
  EXPECT_FALSE(h.interpreter.gil_enabled);
  // An import failure: the workload fields are null.
  const auto failed = parse_child_message(
      R"({"type":"hello","protocol":1,"pid":9,"os_threads":null,"interpreter":{},"workload":{"id":"x","kind":"suite","scaling":null,"tags":null,"op_name":null,"size":null,"size_preset":null,"ops_per_iteration":null}})");
  ASSERT_TRUE(failed.message) << failed.problem;
  EXPECT_FALSE(std::get<Hello>(*failed.message).workload.ops_per_iteration);
  EXPECT_FALSE(std::get<Hello>(*failed.message).os_threads);
  const auto error = parse_child_message(R"({"type":"error","phase":"import","message":"boom","traceback":null})");
  ASSERT_TRUE(error.message);
  EXPECT_EQ(std::get<Error>(*error.message).phase, Phase::import_module);
}

// Diagnose mode (PROTOCOL.md "Diagnose mode"): the extra fields and the watch/armed rendezvous.
TEST(Protocol, DiagnoseModeMessagesRoundTripAndAreAbsentOtherwise) {
  WatchCandidate c;
  c.key = "shared";
  c.origin = CandidateOrigin::named;
  c.kind = CandidateKind::object;
  c.type = "list";
  c.address = 140000000000000;
  c.size = 40;
  c.immortal = false;
  c.fields = {{"ob_ref_shared", 16, 8}};
  Ready r{1, {101, 102}, {c}, true};
  Done d;
  d.report = {1, false, 5, 10, false, {}};
  d.written = {{"slots", {-4, 4, 12}, true}};
  Watch w{1, 901, {c}, false};
  for (const ChildMessage& m : {ChildMessage(r), ChildMessage(d), ChildMessage(w)}) {
    const auto parsed = parse_child_message(render(m));
    ASSERT_TRUE(parsed.message) << parsed.problem;
    EXPECT_EQ(render(*parsed.message), render(m));
  }
  const auto back = std::get<Ready>(*parse_child_message(render(ChildMessage(r))).message);
  ASSERT_EQ(back.candidates.size(), 1u);
  EXPECT_EQ(back.candidates[0].origin, CandidateOrigin::named);
  EXPECT_EQ(back.candidates[0].fields[0].offset, 16);
  EXPECT_EQ(render(Command(Armed{1})), R"({"type":"armed","iteration":1})");
  EXPECT_EQ(render(ChildMessage(Ready{3, {}, {}, false})), R"({"type":"ready","iteration":3})");
  EXPECT_EQ(parse_child_message(R"({"type":"watch","iteration":1})").problem, "malformed 'watch': no valid 'tid'");
}

TEST(Protocol, WhatIsNotAMessageSaysWhy) {
  for (const char* line : {"Traceback (most recent call last):", "[1,2]", R"({"no_type":1})", R"({"type":5})"})
    EXPECT_EQ(parse_child_message(line).problem.rfind("not a protocol message: ", 0), 0u) << line;
  EXPECT_EQ(parse_child_message(R"({"type":"teapot"})").problem, "unknown message type 'teapot'");
  EXPECT_EQ(parse_child_message(R"({"type":"ready"})").problem, "malformed 'ready': no valid 'iteration'");
  EXPECT_EQ(parse_child_message(R"({"type":"hello","protocol":"one"})").problem, "malformed 'hello': no valid 'protocol'");
  EXPECT_EQ(parse_child_message(R"({"type":"done","iteration":1,"region_ns":0})").problem,
            "malformed 'done' for iteration 1: region_ns must be > 0");
  EXPECT_EQ(parse_command(R"({"type":"go","iteration":1})").problem, "malformed 'go': no valid 'warmup'");
}

// A channel line may be 4 MiB (run/channel.h): nested that deep, it once overflowed the
// orchestrator's stack in the JSON parser. Now it is one more line that is not a message.
TEST(Protocol, ADeeplyNestedLineIsRefusedNotACrash) {
  const std::string deep = R"({"type":"hello","protocol":)" + std::string(4u << 20, '[');
  EXPECT_EQ(parse_child_message(deep).problem.rfind("not a protocol message: ", 0), 0u);
  std::string objects;
  for (int i = 0; i < 700'000; ++i) objects += R"({"a":)";
  EXPECT_EQ(parse_child_message(objects).problem.rfind("not a protocol message: ", 0), 0u);
}

}  // namespace
}  // namespace ftbench::harness
