#include "report.h"

#include <boost/json.hpp>
#include <iomanip>
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

}  // namespace livedrop::loadgen
