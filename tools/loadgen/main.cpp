// livedrop-loadgen: load scenarios against a running platform (./scripts/livedrop up), each
// measured next to a baseline taken in the same run and checked against the database.
#include <array>
#include <iostream>
#include <string_view>

#include "scenarios.h"

namespace {

using livedrop::loadgen::Scenario;

constexpr std::array kScenarios = {
    Scenario{"drop-storm",
             "C concurrent buyers race for a drop of K units; latency per outcome, sell-out time, "
             "refusal throughput vs a pgbench baseline; then verifies no overselling, no double "
             "charge, per-buyer limits and settled orders in the database",
             &livedrop::loadgen::RunDropStorm},
    Scenario{
        "fan-out",
        "W WebSocket connections of followers (and non-followers) of one creator; delay from "
        "a drop's scheduled start to each drop_started, missing/duplicate/wrong deliveries and "
        "gateway memory per connection vs a ping/pong baseline",
        &livedrop::loadgen::RunFanOut},
    Scenario{"soak",
             "a steady mix of reads, follows, orders and follower WebSockets for a long time, "
             "with idle gaps and dependency faults (livedrop fault); no failed request outside "
             "the fault windows, every order terminal, no double charge, every follower "
             "notified, memory flat after the warm-up",
             &livedrop::loadgen::RunSoak},
    Scenario{"rehearsal",
             "a celebrity drop all at once: W follower WebSockets, R readers of the drop page and "
             "B buyers at the scheduled start; drop_started delay, read and order latency against "
             "the targets, then the drop-storm audit",
             &livedrop::loadgen::RunRehearsal},
    Scenario{"chaos",
             "a storm of orders retried by key until final while a random service or gateway "
             "instance of up --replicas=2 is killed -9 every few seconds (up restarts it); then "
             "the drop-storm audit of every drop, processor captures from its ledger, replays "
             "identical",
             &livedrop::loadgen::RunChaos},
};

void Usage(std::ostream& out) {
  out << "usage: livedrop-loadgen <scenario> [flags]   (livedrop-loadgen <scenario> --help)\n\n"
         "scenarios:\n";
  for (const auto& s : kScenarios) out << "  " << s.name << "\n      " << s.summary << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage(std::cerr);
    return 2;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    Usage(std::cout);
    return 0;
  }
  for (const auto& s : kScenarios) {
    if (s.name == name) return s.run(argc - 1, argv + 1);
  }
  std::cerr << "livedrop-loadgen: error: unknown scenario '" << name << "'\n";
  Usage(std::cerr);
  return 2;
}
