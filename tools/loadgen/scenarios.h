#pragma once

#include <string_view>

namespace livedrop::loadgen {

// A scenario is a subcommand: `livedrop-loadgen <name> [flags]`. It parses its own flags
// (argv[0] is the scenario name) and returns the process exit code: 0 when every check
// passed, 1 when one failed, 2 for bad flags, 3 when the run could not be carried out.
struct Scenario {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);
};

// One entry per scenario file (drop_storm.cpp, ...). A new scenario adds its Run function
// here and a line to kScenarios in main.cpp.
int RunDropStorm(int argc, char** argv);
int RunFanOut(int argc, char** argv);
int RunSoak(int argc, char** argv);
int RunRehearsal(int argc, char** argv);
int RunChaos(int argc, char** argv);

}  // namespace livedrop::loadgen
