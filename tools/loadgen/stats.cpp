#include "stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace livedrop::loadgen {

double PercentileOfSorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  p = std::clamp(p, 0.0, 100.0);
  const auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

LatencySummary Summarize(std::vector<double> samples) {
  LatencySummary s;
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  s.count = samples.size();
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(s.count);
  s.p50 = PercentileOfSorted(samples, 50);
  s.p95 = PercentileOfSorted(samples, 95);
  s.p99 = PercentileOfSorted(samples, 99);
  s.max = samples.back();
  return s;
}

}  // namespace livedrop::loadgen
