#pragma once

#include <boost/json/fwd.hpp>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats.h"

namespace livedrop::loadgen {

// Formatting shared by every scenario's report and JSON line.
std::string Fixed(double v, int precision = 1);
// value / baseline with three decimals; "n/a" without a positive baseline.
std::string Ratio(double value, const std::optional<double>& baseline);
boost::json::value OptionalNumber(const std::optional<double>& v);
boost::json::object SummaryJson(const LatencySummary& s);

// Ends the process with exit code 2 after printing "<program>: error: <problem>" for each
// problem found in the flags; returns when there is none.
void ExitOnFlagProblems(std::string_view program, const std::vector<std::string>& problems);

// One verdict of a scenario's checks.
struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
};

// Prints "checks:" and one ok/FAIL line per check to `out`, appends each check to `json`
// ({name, ok, detail}) and returns whether every check passed.
bool ReportChecks(const std::vector<Check>& checks, std::ostream& out, boost::json::array& json);

// The common end of every scenario: runs `body`, which fills `result` and returns whether
// every check passed, then prints `result` as the last stdout line (pass: true/false). Returns
// the exit code: 0 pass, 1 a check failed, 3 when `body` threw (the error is printed to `out`
// as "<program>: run failed: ..." and put in result's "error").
int RunScenario(std::string_view program, std::ostream& out, boost::json::object& result,
                const std::function<bool()>& body);

}  // namespace livedrop::loadgen
