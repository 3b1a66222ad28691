#include "report.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace livedrop::loadgen {

namespace json = boost::json;

std::string Fixed(double v, int precision) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << v;
  return s.str();
}

std::string Ratio(double value, const std::optional<double>& baseline) {
  return baseline && *baseline > 0 ? Fixed(value / *baseline, 3) : "n/a";
}

json::value OptionalNumber(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object SummaryJson(const LatencySummary& s) {
  return {{"count", s.count}, {"p50_ms", s.p50}, {"p95_ms", s.p95},
          {"p99_ms", s.p99},  {"max_ms", s.max}, {"mean_ms", s.mean}};
}

void ExitOnFlagProblems(std::string_view program, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  for (const auto& p : problems) std::cerr << program << ": error: " << p << "\n";
  std::exit(2);
}

bool ReportChecks(const std::vector<Check>& checks, std::ostream& out, json::array& json) {
  bool pass = true;
  out << "checks:\n";
  for (const auto& c : checks) {
    pass = pass && c.ok;
    out << "  " << (c.ok ? "ok  " : "FAIL") << "  " << c.name << ": " << c.detail << "\n";
    json.push_back(json::object{{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  }
  return pass;
}

int RunScenario(std::string_view program, std::ostream& out, json::object& result,
                const std::function<bool()>& body) {
  int code = 3;
  try {
    const bool pass = body();
    result["pass"] = pass;
    code = pass ? 0 : 1;
  } catch (const std::exception& e) {
    out << program << ": run failed: " << e.what() << "\n";
    result["error"] = e.what();
    result["pass"] = false;
  }
  std::cout << json::serialize(result) << std::endl;
  return code;
}

}  // namespace livedrop::loadgen
