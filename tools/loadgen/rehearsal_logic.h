#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "stats.h"

namespace livedrop::loadgen {

// One GET of the drop page during the rehearsal: when it was sent, how long it took, what
// came back (0: no answer).
struct ReadSample {
  std::chrono::steady_clock::time_point sent;
  double ms = 0;
  int status = 0;
};

// The reads cut at the drop's scheduled start (T0) and at the end of the storm (the last
// buyer's answer): what the page costs while people wait, while they buy, and after.
struct ReadWindow {
  LatencySummary latency;  // answered 200 only
  long long reads = 0;     // every request sent in the window
  long long errors = 0;    // anything but 200 (no answer included)
  double seconds = 0;      // the window's length (first to last send within it)
  double PerSecond() const { return seconds > 0 ? static_cast<double>(reads) / seconds : 0; }
};
struct ReadReport {
  ReadWindow before_start, during_storm, after_storm, all;
};
ReadReport SummarizeReads(const std::vector<ReadSample>& samples,
                          std::chrono::steady_clock::time_point start,
                          std::chrono::steady_clock::time_point storm_end);

// A target of the issue, held against one figure: met when the figure exists and is at most
// the limit (for "received", at least).
struct Target {
  std::string name;
  std::optional<double> value;  // none: not measured (nothing answered)
  double limit = 0;
  bool at_least = false;  // the figure must reach the limit rather than stay under it
  std::string unit = "ms";
  bool Met() const { return value && (at_least ? *value >= limit : *value <= limit); }
};

// What the targets are judged on.
struct RehearsalFigures {
  LatencySummary notification;  // scheduled start → drop_started, per follower that had it
  long long followers = 0, received = 0;
  LatencySummary reads;   // every answered read (ReadReport::all)
  LatencySummary orders;  // every order answer, whatever the outcome
  bool audit_clean = false;
};
struct RehearsalLimits {
  double notification_p99_ms = 250, read_p99_ms = 20, order_p99_ms = 500;
};
// The targets, in report order: drop_started p99, every follower reached, reads p99,
// orders p99, audit clean (1 = clean).
std::vector<Target> RehearsalTargets(const RehearsalFigures& figures,
                                     const RehearsalLimits& limits);

}  // namespace livedrop::loadgen
