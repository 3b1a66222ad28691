#pragma once

#include <set>
#include <string>

namespace livedrop::compose_check {

// The metric names a PromQL expression selects: every identifier that is not a function or
// aggregation (followed by "("), a keyword (by, without, on, ignoring, group_left/right, bool,
// and, or, unless, offset), a label name inside {...} or a by/without/on/ignoring list, a string,
// a range or duration ([5m], [$__rate_interval]), a number, or a Grafana variable ($name).
std::set<std::string> PromQLMetricNames(const std::string& expr);

// Every metric name a Prometheus text exposition offers: the names of its # TYPE lines (with
// _bucket, _sum and _count for a histogram, as Prometheus stores them) and of its samples.
std::set<std::string> ExportedMetricNames(const std::string& exposition);

}  // namespace livedrop::compose_check
