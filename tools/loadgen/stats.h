#pragma once

#include <cstddef>
#include <vector>

namespace livedrop::loadgen {

// Nearest-rank percentile (p in [0, 100]) of samples sorted ascending; 0 for no samples.
// Nearest rank never invents a value between two samples, so p100 is the maximum and a
// percentile of a handful of samples is one of them.
double PercentileOfSorted(const std::vector<double>& sorted, double p);

struct LatencySummary {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
};

LatencySummary Summarize(std::vector<double> samples);

}  // namespace livedrop::loadgen
