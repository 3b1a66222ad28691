#include "soak_logic.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "livedrop/config/config.h"

namespace livedrop::loadgen {

namespace {

std::vector<std::string_view> SplitCommas(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

constexpr milliseconds kGapMargin{10000};  // traffic at least this long before and after a gap

}  // namespace

std::string_view FaultName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kPgRestart:
      return "pg-restart";
    case FaultKind::kRedisRestart:
      return "redis-restart";
    case FaultKind::kBrokerPause:
      return "broker-pause";
  }
  return "";
}

std::optional<std::vector<FaultKind>> ParseFaults(std::string_view text) {
  std::vector<FaultKind> out;
  for (const auto item : SplitCommas(text)) {
    bool known = false;
    for (const auto kind :
         {FaultKind::kPgRestart, FaultKind::kRedisRestart, FaultKind::kBrokerPause}) {
      if (item == FaultName(kind)) {
        out.push_back(kind);
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  return out;
}

std::optional<std::vector<milliseconds>> ParseOffsets(std::string_view text) {
  std::vector<milliseconds> out;
  for (const auto item : SplitCommas(text)) {
    const auto d =
        item == "0" ? std::optional<milliseconds>(0) : config::ParseDuration(std::string(item));
    if (!d || d->count() < 0) return std::nullopt;
    out.push_back(*d);
  }
  return out;
}

milliseconds ExpectedFaultLength(FaultKind kind, milliseconds broker_pause) {
  // A restart takes a second or two here; five leaves room for a slow machine.
  return kind == FaultKind::kBrokerPause ? broker_pause : milliseconds(5000);
}

std::optional<SoakPlan> PlanSoak(const SoakPlanInput& in, std::string& error) {
  if (in.duration.count() <= 0) {
    error = "the duration must be positive";
    return std::nullopt;
  }
  if (in.warmup.count() < 0 || in.warmup >= in.duration) {
    error = "the warm-up must be shorter than the duration";
    return std::nullopt;
  }
  SoakPlan plan;
  const milliseconds post = in.duration - in.warmup;
  if (in.idle_gap.count() > 0) {
    const long long n = in.idle_gaps >= 0 ? in.idle_gaps : post / (2 * in.idle_gap);
    if (n > 0) {
      const milliseconds slot = post / n;
      if (slot < in.idle_gap + 2 * kGapMargin) {
        error = std::to_string(n) + " idle gaps of " + config::FormatDuration(in.idle_gap) +
                " do not fit after the warm-up with traffic around each";
        return std::nullopt;
      }
      for (long long i = 0; i < n; ++i) {
        const milliseconds start = in.warmup + slot * i + (slot - in.idle_gap) / 2;
        plan.idle_gaps.push_back({start, start + in.idle_gap});
      }
    }
  }
  milliseconds cursor = in.warmup;
  for (const auto& gap : plan.idle_gaps) {
    plan.active.push_back({cursor, gap.start});
    cursor = gap.end;
  }
  plan.active.push_back({cursor, in.duration});

  const auto room = [&](FaultKind kind) {
    return ExpectedFaultLength(kind, in.broker_pause) + in.fault_grace;
  };
  if (!in.fault_at.empty()) {
    if (in.fault_at.size() != in.faults.size()) {
      error = std::to_string(in.fault_at.size()) + " fault times for " +
              std::to_string(in.faults.size()) + " faults";
      return std::nullopt;
    }
    for (std::size_t i = 0; i < in.faults.size(); ++i) {
      plan.faults.push_back({in.faults[i], in.fault_at[i]});
    }
    std::stable_sort(plan.faults.begin(), plan.faults.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    milliseconds previous_end{0};
    for (const auto& f : plan.faults) {
      const Interval window{f.at, f.at + room(f.kind)};
      const std::string name(FaultName(f.kind));
      if (window.end > in.duration) {
        error = name + " at " + config::FormatDuration(f.at) + " ends after the run";
        return std::nullopt;
      }
      if (f.at < previous_end) {
        error = name + " at " + config::FormatDuration(f.at) + " overlaps the fault before it";
        return std::nullopt;
      }
      for (const auto& gap : plan.idle_gaps) {
        if (window.Overlaps(gap)) {
          error = name + " at " + config::FormatDuration(f.at) + " overlaps an idle gap (" +
                  config::FormatDuration(gap.start) + " to " + config::FormatDuration(gap.end) +
                  ")";
          return std::nullopt;
        }
      }
      previous_end = window.end;
    }
    return plan;
  }

  // Spread over the active time: fault i aims at the middle of its share.
  milliseconds active_total{0};
  for (const auto& a : plan.active) active_total += a.end - a.start;
  const auto wall_time = [&](milliseconds offset) {
    for (const auto& a : plan.active) {
      if (offset < a.end - a.start) return a.start + offset;
      offset -= a.end - a.start;
    }
    return in.duration;
  };
  // A fault window keeps kGapMargin away from the gaps, so that the first requests after a gap
  // (and the last before one) are judged outside any window.
  const auto stretch_start = [&](std::size_t i) {
    return i == 0 ? plan.active[i].start : plan.active[i].start + kGapMargin;
  };
  const auto stretch_end = [&](std::size_t i) {
    return i + 1 == plan.active.size() ? plan.active[i].end - in.tail
                                       : plan.active[i].end - kGapMargin;
  };
  const auto n = static_cast<long long>(in.faults.size());
  milliseconds previous_end{0};
  for (long long i = 0; i < n; ++i) {
    const auto kind = in.faults[static_cast<std::size_t>(i)];
    const milliseconds target =
        std::max(wall_time(active_total * (2 * i + 1) / (2 * n)), previous_end);
    // The stretch holding the target, the next one with room when it has none; a fault whose
    // target lies past every stretch with room takes the latest start of the last of them.
    std::optional<milliseconds> at, fallback;
    for (std::size_t s = 0; s < plan.active.size() && !at; ++s) {
      const milliseconds lo = std::max(stretch_start(s), previous_end);
      const milliseconds hi = stretch_end(s) - room(kind);  // the latest start in this stretch
      if (hi < lo) continue;
      if (target >= stretch_end(s)) {
        fallback = hi;
        continue;
      }
      at = std::clamp(target, lo, hi);
    }
    if (!at) at = fallback;
    if (!at) {
      error = "no room for " + std::string(FaultName(kind)) + " (" +
              config::FormatDuration(room(kind)) +
              " with its grace) in the active time: a longer --duration, fewer or shorter idle "
              "gaps, or --fault-at";
      return std::nullopt;
    }
    plan.faults.push_back({kind, *at});
    previous_end = *at + room(kind);
  }
  return plan;
}

bool InIdleGap(const SoakPlan& plan, milliseconds t) {
  return std::any_of(plan.idle_gaps.begin(), plan.idle_gaps.end(),
                     [&](const Interval& g) { return t >= g.start && t < g.end; });
}

bool InAnyWindow(const std::vector<Interval>& windows, milliseconds start, milliseconds end) {
  return std::any_of(windows.begin(), windows.end(),
                     [&](const Interval& w) { return start <= w.end && w.start <= end; });
}

std::string_view SoakOpName(SoakOp op) {
  switch (op) {
    case SoakOp::kRead:
      return "read";
    case SoakOp::kFollow:
      return "follow";
    case SoakOp::kUnfollow:
      return "unfollow";
    case SoakOp::kOrder:
      return "order";
    case SoakOp::kCreate:
      return "create";
  }
  return "";
}

bool IsFailedAnswer(SoakOp op, int status) {
  if (status == 0 || status >= 500 || status == 429) return true;
  if (status >= 200 && status < 300) return false;
  if (op == SoakOp::kOrder) return status != 402 && status != 409;
  if (op == SoakOp::kUnfollow) return status != 404;
  return true;
}

milliseconds RetryDelay(std::string_view retry_after, int attempt) {
  long long seconds = 0;
  const auto [end, ec] =
      std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
  if (!retry_after.empty() && ec == std::errc() && end == retry_after.data() + retry_after.size() &&
      seconds >= 0) {
    return milliseconds(std::min<long long>(seconds, 30) * 1000);
  }
  const int doublings = std::clamp(attempt, 0, 4);
  return milliseconds(500LL << doublings);
}

MemoryVerdict CheckMemory(const std::vector<ProcessMemory>& processes, double max_ratio) {
  MemoryVerdict v;
  for (const auto& p : processes) {
    if (!p.warm || !p.end || *p.warm <= 0) {
      v.ok = false;
      v.unreadable.push_back(p.process);
      continue;
    }
    const double ratio = *p.end / *p.warm;
    v.worst_ratio = std::max(v.worst_ratio, ratio);
    if (ratio > max_ratio) {
      v.ok = false;
      v.over.push_back(p.process);
    }
  }
  return v;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseNamedUrls(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto item : SplitCommas(text)) {
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) return std::nullopt;
    out.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
  }
  return out;
}

bool FollowsCreator(int follower, int creator, int creators) {
  return creators > 0 && (follower % creators == creator || follower % 3 == 0);
}

NotificationReport CountNotifications(const std::vector<FollowerLog>& followers,
                                      const std::vector<SoakDrop>& drops, TimePoint until) {
  NotificationReport r;
  for (std::size_t f = 0; f < followers.size(); ++f) {
    const auto& follower = followers[f];
    if (!follower.stayed_open) {
      ++r.closed_early;
      continue;
    }
    std::set<std::string> started;
    for (const auto& frame : follower.frames) {
      const auto e = ParseWsEvent(frame.text);
      if (e && e->type == "drop_started" && !e->drop_id.empty()) started.insert(e->drop_id);
    }
    for (const auto& d : drops) {
      if (!follower.creator_ids.count(d.creator_id) || d.starts_at < follower.ready_at ||
          d.starts_at >= until) {
        continue;
      }
      ++r.expected;
      if (started.count(d.drop_id)) {
        ++r.delivered;
      } else {
        ++r.missing;
        if (r.examples.size() < 5) {
          r.examples.push_back("follower " + std::to_string(f) + " missed drop " + d.drop_id +
                               " (starts " + FormatRfc3339(d.starts_at) + ")");
        }
      }
    }
  }
  return r;
}

std::vector<Check> MergeDropChecks(
    const std::vector<std::pair<std::string, std::vector<Check>>>& per_drop) {
  struct Tally {
    long long drops = 0, failed = 0;
    std::string failures;
  };
  std::vector<std::string> order;
  std::map<std::string, Tally> tallies;
  for (const auto& [drop, checks] : per_drop) {
    for (const auto& c : checks) {
      auto [it, added] = tallies.try_emplace(c.name);
      if (added) order.push_back(c.name);
      auto& t = it->second;
      ++t.drops;
      if (!c.ok) {
        if (++t.failed <= 3)
          t.failures += (t.failures.empty() ? "" : "; ") + drop + ": " + c.detail;
      }
    }
  }
  std::vector<Check> out;
  for (const auto& name : order) {
    const auto& t = tallies[name];
    out.push_back({name, t.failed == 0,
                   t.failed == 0 ? "ok for " + std::to_string(t.drops) + " drops"
                                 : std::to_string(t.failed) + " of " + std::to_string(t.drops) +
                                       " drops failed: " + t.failures});
  }
  return out;
}

}  // namespace livedrop::loadgen
