#include "rehearsal_logic.h"

#include <algorithm>

namespace livedrop::loadgen {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct WindowBuilder {
  std::vector<double> ms;
  long long reads = 0, errors = 0;
  std::optional<SteadyClock::time_point> first, last;

  void Add(const ReadSample& s) {
    ++reads;
    if (s.status == 200) {
      ms.push_back(s.ms);
    } else {
      ++errors;
    }
    if (!first || s.sent < *first) first = s.sent;
    if (!last || s.sent > *last) last = s.sent;
  }
  ReadWindow Build() && {
    ReadWindow w;
    w.latency = Summarize(std::move(ms));
    w.reads = reads;
    w.errors = errors;
    if (first && last) w.seconds = std::chrono::duration<double>(*last - *first).count();
    return w;
  }
};

}  // namespace

ReadReport SummarizeReads(const std::vector<ReadSample>& samples, SteadyClock::time_point start,
                          SteadyClock::time_point storm_end) {
  WindowBuilder before, during, after, all;
  for (const auto& s : samples) {
    all.Add(s);
    if (s.sent < start) {
      before.Add(s);
    } else if (s.sent <= storm_end) {
      during.Add(s);
    } else {
      after.Add(s);
    }
  }
  return ReadReport{std::move(before).Build(), std::move(during).Build(), std::move(after).Build(),
                    std::move(all).Build()};
}

std::vector<Target> RehearsalTargets(const RehearsalFigures& f, const RehearsalLimits& limits) {
  const auto p99 = [](const LatencySummary& s) -> std::optional<double> {
    if (s.count == 0) return std::nullopt;
    return s.p99;
  };
  return {
      {"drop_started p99 from the scheduled start", p99(f.notification),
       limits.notification_p99_ms},
      {"followers that received drop_started", static_cast<double>(f.received),
       static_cast<double>(f.followers), true, "connections"},
      {"drop page reads p99", p99(f.reads), limits.read_p99_ms},
      {"orders p99 (every outcome)", p99(f.orders), limits.order_p99_ms},
      {"audit clean", f.audit_clean ? 1.0 : 0.0, 1, true, ""},
  };
}

}  // namespace livedrop::loadgen
