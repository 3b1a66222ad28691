#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>

#include "stats.h"

namespace livedrop::loadgen {

// Formatting shared by every scenario's report and JSON line.
std::string Fixed(double v, int precision = 1);
// value / baseline with three decimals; "n/a" without a positive baseline.
std::string Ratio(double value, const std::optional<double>& baseline);
boost::json::value OptionalNumber(const std::optional<double>& v);
boost::json::object SummaryJson(const LatencySummary& s);

}  // namespace livedrop::loadgen
