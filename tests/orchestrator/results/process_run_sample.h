#pragma once
// One fully populated ProcessRun for the results tests.

#include "results/process_run.h"

namespace ftbench::testing {

inline results::ProcessRun sample_run(size_t seq, const std::string& id) {
  results::ProcessRun r;
  r.item_id = id;
  r.sequence = seq;
  r.interpreter = "3.13t";
  r.benchmark = "gil/contention";
  r.threads = 2;
  r.status = results::RunStatus::ok;
  r.exit = "exit code 0";
  r.cpus = {0, 1};
  r.error_phase = harness::Phase::check;
  discovery::Interpreter child;
  child.implementation = "cpython";
  child.version_text = "3.13.5";
  child.executable = "/p/python3.13t";
  child.free_threaded_build = true;
  child.gil_enabled = false;
  child.configure_args = "--disable-gil";
  child.compiler = "GCC";
  r.child = child;
  harness::WorkloadReport workload;
  workload.benchmark.id = "gil/contention";
  workload.benchmark.scaling = harness::Scaling::weak;
  workload.benchmark.op_name = "square";
  workload.benchmark.tags = {"gil"};
  workload.threads = 2;
  workload.size = 1000;
  workload.size_preset = "quick";
  workload.ops_per_iteration = 2000;
  r.workload = workload;
  r.capabilities = {{"cycles", perf::Status::not_supported, "no PMU", "perf::CYCLES", false, ""}};
  results::Iteration it;
  it.index = 1;
  it.region_ns = 123456789;
  it.ops = 2000;
  it.gil_enabled = false;
  it.threads = {{0, 100, 90, 3, 4242}, {1, 110, 95, 7, 4243}};
  perf::CounterValue switches;
  switches.name = "context-switches";
  switches.status = perf::Status::counted;
  switches.value = 12.5;
  switches.raw = 10;
  switches.running_fraction = 0.8;
  perf::CounterValue cycles;
  cycles.name = "cycles";
  cycles.status = perf::Status::not_supported;
  cycles.message = "no PMU";
  perf::CounterValue instructions;
  instructions.name = "instructions";
  instructions.status = perf::Status::counted;
  instructions.value = 5;
  instructions.raw = 5;
  instructions.running_fraction = 1.0;
  instructions.parts = {{"cpu_core", 3}, {"cpu_atom", 2}};
  it.counters = {switches, cycles, instructions};
  r.iterations = {it};
  return r;
}

}  // namespace ftbench::testing
