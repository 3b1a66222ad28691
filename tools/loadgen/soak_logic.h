#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fan_out_logic.h"
#include "livedrop/core/time.h"
#include "report.h"

namespace livedrop::loadgen {

using std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// The schedule of a soak: idle gaps (complete silence) and faults, as offsets from its start.

enum class FaultKind { kPgRestart, kRedisRestart, kBrokerPause };
// "pg-restart", "redis-restart", "broker-pause": also the argument of `livedrop fault`.
std::string_view FaultName(FaultKind kind);
// "pg-restart,redis-restart,broker-pause" (any order, repeats allowed); "" is none; nullopt
// when an item is unknown.
std::optional<std::vector<FaultKind>> ParseFaults(std::string_view text);
// "5m,12m,20m30s" → offsets; nullopt when an item is not a duration (0 is allowed).
std::optional<std::vector<milliseconds>> ParseOffsets(std::string_view text);

// [start, end)
struct Interval {
  milliseconds start{0}, end{0};
  bool Overlaps(const Interval& o) const { return start < o.end && o.start < end; }
};

struct ScheduledFault {
  FaultKind kind = FaultKind::kPgRestart;
  milliseconds at{0};
};

struct SoakPlanInput {
  milliseconds duration{0};
  milliseconds warmup{0};    // steady traffic, no gap and no fault, before the warm memory sample
  milliseconds idle_gap{0};  // 0: no gaps
  int idle_gaps = -1;        // how many; -1: as many as fit with twice their length each
  std::vector<FaultKind> faults;
  std::vector<milliseconds> fault_at;  // one per fault, or empty: spread over the active time
  milliseconds fault_grace{0};         // recovery allowed after a fault ends
  milliseconds broker_pause{0};        // how long broker-pause pauses
  milliseconds tail{10000};            // traffic after the last fault window, at least
};

struct SoakPlan {
  std::vector<Interval> idle_gaps;     // ascending, after the warm-up, none touching the end
  std::vector<ScheduledFault> faults;  // ascending
  std::vector<Interval> active;        // the times with traffic after the warm-up
};

// How long a fault is expected to take (the window the plan keeps free for it, before grace).
milliseconds ExpectedFaultLength(FaultKind kind, milliseconds broker_pause);

// The gaps are spread evenly: the time after the warm-up is cut into N equal slots, each with its
// gap in the middle (so there is traffic right before and right after every gap). The faults
// are spread evenly over the active time after the warm-up (each at the middle of its share);
// a fault window (expected length plus grace) stays 10 s clear of every gap and ends `tail`
// before the end; one that does not fit where it aims moves within its stretch of traffic, else
// to the next stretch with room (else the last one before it). Explicit `fault_at` offsets are kept
// as given and checked instead. Faults never overlap each other or a gap. nullopt with `error` set
// when the input cannot be planned (nothing fits, bad offsets).
std::optional<SoakPlan> PlanSoak(const SoakPlanInput& in, std::string& error);

bool InIdleGap(const SoakPlan& plan, milliseconds t);

// ---------------------------------------------------------------------------------------------
// Fault windows: from the fault's actual start to its actual end plus the recovery grace.

// A request [start, end] counts as inside a fault window when it overlaps one.
bool InAnyWindow(const std::vector<Interval>& windows, milliseconds start, milliseconds end);

enum class SoakOp { kRead, kFollow, kUnfollow, kOrder, kCreate };
std::string_view SoakOpName(SoakOp op);
// Whether one HTTP answer is a failure of the platform: no answer, 5xx and 429 always; 4xx
// other than what the operation expects (an order may be declined 402 or refused 409: sold out,
// over the limit, the drop not live; or be pending, 202; an unfollow may answer 404).
bool IsFailedAnswer(SoakOp op, int status);

// How long a careful client waits before sending the same request again: Retry-After in
// seconds when given (capped at 30 s), else the backoff for this attempt (0.5 s doubling, at
// most 8 s).
milliseconds RetryDelay(std::string_view retry_after, int attempt);

// ---------------------------------------------------------------------------------------------
// Memory: end / after-warm-up per process.

struct ProcessMemory {
  std::string process;
  std::optional<double> start, warm, end;  // bytes
};
struct MemoryVerdict {
  bool ok = true;
  double worst_ratio = 0;               // the largest end / warm
  std::vector<std::string> over;        // processes above the limit
  std::vector<std::string> unreadable;  // processes without a warm or end sample
};
// ok when every process has warm and end samples and end / warm <= max_ratio.
MemoryVerdict CheckMemory(const std::vector<ProcessMemory>& processes, double max_ratio);

// "auth=http://127.0.0.1:9001/metrics,gateway=..." → (name, url) pairs; nullopt when an item has
// no '='.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseNamedUrls(
    std::string_view text);

// ---------------------------------------------------------------------------------------------
// Notifications for connected followers.

// Follower j (0-based) of the WebSocket set follows creator c of `creators` when j % creators
// == c, and every third follower follows all of them: everyone follows someone, some several.
bool FollowsCreator(int follower, int creator, int creators);

struct SoakDrop {
  std::string drop_id, creator_id;
  TimePoint starts_at;
};
struct FollowerLog {
  std::set<std::string> creator_ids;  // the creators this follower follows
  TimePoint ready_at;                 // drops starting before it was ready are not expected
  bool stayed_open = true;            // closed early: reported, its drops not counted
  std::vector<ReceivedFrame> frames;
};
struct NotificationReport {
  long long expected = 0, delivered = 0, missing = 0;
  long long closed_early = 0;         // followers whose connection closed before the end
  std::vector<std::string> examples;  // a few missing ones: follower index and drop
};
// Every follower that stayed open should have a drop_started (by data.drop_id) for every drop
// of a creator it follows that started after it was ready and before `until`.
NotificationReport CountNotifications(const std::vector<FollowerLog>& followers,
                                      const std::vector<SoakDrop>& drops, TimePoint until);

// ---------------------------------------------------------------------------------------------
// The per-drop audits (VerifyDrop) of a soak folded into one verdict per check name, in the
// order first seen: ok when every drop's check passed; the detail counts the drops and quotes
// the first failing ones.
std::vector<Check> MergeDropChecks(
    const std::vector<std::pair<std::string, std::vector<Check>>>& per_drop);

}  // namespace livedrop::loadgen
