#include "fan_out_logic.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <set>

namespace livedrop::loadgen {

namespace json = boost::json;

namespace {

std::string StringField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A couple of examples of each kind of failure, so one kind cannot hide the others.
void NoteExample(DeliveryReport& r, long long count_of_kind, std::string text) {
  if (count_of_kind <= 2) r.examples.push_back(std::move(text));
}

}  // namespace

std::optional<WsEvent> ParseWsEvent(std::string_view text) {
  boost::system::error_code ec;
  const auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) return std::nullopt;
  WsEvent e;
  e.type = std::string(type->as_string());
  e.id = StringField(o, "id");
  if (const auto* d = o.if_contains("data"); d && d->is_object()) {
    const auto& data = d->as_object();
    e.drop_id = StringField(data, "drop_id");
    e.creator_id = StringField(data, "creator_id");
    e.user_id = StringField(data, "user_id");
    for (const char* key : {"starts_at", "scheduled_start"}) {
      if (auto t = ParseRfc3339(StringField(data, key))) {
        e.starts_at = t;
        break;
      }
    }
    if (const auto* f = data.if_contains("following"); f && f->is_number()) {
      boost::system::error_code nec;
      const auto n = f->to_number<long long>(nec);
      if (!nec) e.following = n;
    }
  }
  return e;
}

bool IsReadyFrame(std::string_view text) {
  const auto e = ParseWsEvent(text);
  return e && e->type == "ready";
}

double DelayMs(TimePoint scheduled, TimePoint received) {
  return std::chrono::duration<double, std::milli>(received - scheduled).count();
}

bool IsNonFollower(long long i, double share) {
  if (i < 0 || share <= 0) return false;
  return std::floor(static_cast<double>(i + 1) * share) >
         std::floor(static_cast<double>(i) * share);
}

std::optional<std::vector<int>> ParseConnectionCounts(std::string_view text) {
  std::set<int> counts;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    int n = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || n <= 0) {
      return std::nullopt;
    }
    counts.insert(n);
  }
  if (counts.empty()) return std::nullopt;
  return std::vector<int>(counts.begin(), counts.end());
}

DeliveryReport AnalyzeDeliveries(const std::vector<ConnectionLog>& connections,
                                 const std::string& drop_id, const std::string& creator_id,
                                 TimePoint scheduled) {
  DeliveryReport r;
  for (std::size_t c = 0; c < connections.size(); ++c) {
    const auto& conn = connections[c];
    ++(conn.follower ? r.followers : r.non_followers);
    std::set<std::string> ids;
    bool got_start = false;
    for (const auto& frame : conn.frames) {
      const auto e = ParseWsEvent(frame.text);
      if (!e) {
        ++r.unparsable;
        continue;
      }
      if (e->type == "ready") continue;
      if (!e->id.empty() && !ids.insert(e->id).second) {
        ++r.duplicates;
        NoteExample(r, r.duplicates,
                    "connection " + std::to_string(c) + " received event " + e->id + " (" +
                        e->type + ") again");
        continue;
      }
      const bool about_drop = e->drop_id == drop_id;
      const bool about_creator = !creator_id.empty() && e->creator_id == creator_id;
      if (!conn.follower) {
        if (about_drop || about_creator) {
          ++r.wrongly_delivered;
          NoteExample(r, r.wrongly_delivered,
                      "non-follower connection " + std::to_string(c) + " received " + e->type +
                          (about_drop ? " of the drop" : " of the creator"));
        } else {
          ++r.other_events;
        }
        continue;
      }
      if (!(about_drop && e->type == "drop_started")) {
        ++r.other_events;
        continue;
      }
      if (got_start) {
        ++r.duplicates;
        NoteExample(r, r.duplicates,
                    "connection " + std::to_string(c) +
                        " received a second drop_started of the drop (id " + e->id + ")");
        continue;
      }
      got_start = true;
      r.delays_ms.push_back(DelayMs(e->starts_at.value_or(scheduled), frame.received));
    }
    if (conn.follower) {
      if (got_start) {
        ++r.delivered;
      } else {
        ++r.missing;
        NoteExample(
            r, r.missing,
            "follower connection " + std::to_string(c) + " received no drop_started of the drop");
      }
    }
  }
  return r;
}

}  // namespace livedrop::loadgen
