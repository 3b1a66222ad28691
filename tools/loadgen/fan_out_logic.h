#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "livedrop/core/time.h"

namespace livedrop::loadgen {

// The fields of a /v1/ws text frame the fan-out scenario reads:
// {"id","type","time","data":{drop_id, creator_id, starts_at, scheduled_start, user_id,
// following}}. The ready frame has no id.
struct WsEvent {
  std::string id;
  std::string type;
  std::string drop_id;
  std::string creator_id;
  std::optional<TimePoint> starts_at;  // data.starts_at, else data.scheduled_start
  std::string user_id;                 // ready frames
  long long following = -1;            // ready frames
};

// nullopt when the text is not a JSON object with a string "type".
std::optional<WsEvent> ParseWsEvent(std::string_view text);

// The frame the gateway sends once a /v1/ws connection is set up ({"type":"ready",...}).
bool IsReadyFrame(std::string_view text);

// Milliseconds from the scheduled start to the receipt (negative when received early).
double DelayMs(TimePoint scheduled, TimePoint received);

// User i (0-based) does not follow the creator when the running count of non-followers
// floor((i+1)*share) steps at i. The answer for i depends only on i and the share, so the
// first W users hold floor(W*share) non-followers for every W and accounts reused across runs of
// other sizes keep their role.
bool IsNonFollower(long long i, double share);

// "1000,5000,10000" → ascending, deduplicated; nullopt when an item is not a positive integer.
std::optional<std::vector<int>> ParseConnectionCounts(std::string_view text);

// What one connection saw: its frames in order of receipt.
struct ReceivedFrame {
  TimePoint received;
  std::string text;
};
struct ConnectionLog {
  bool follower = true;
  std::vector<ReceivedFrame> frames;
};

// The verdict over every connection of a run for one drop.
struct DeliveryReport {
  long long followers = 0, non_followers = 0;
  long long delivered = 0;  // followers with the drop's drop_started
  long long missing = 0;    // followers without it
  // A second receipt of an event id on one connection, or a second drop_started of the drop
  // (under another id) on one connection.
  long long duplicates = 0;
  // Non-followers receiving anything about the drop or its creator.
  long long wrongly_delivered = 0;
  long long unparsable = 0;           // frames that are not event JSON
  long long other_events = 0;         // events about something else (other drops, own orders)
  std::vector<double> delays_ms;      // one per delivered follower: starts_at → first receipt
  std::vector<std::string> examples;  // a couple of each kind of failure, for the report
};

// `scheduled` is the start the drop was created with; a drop_started carrying starts_at is
// measured from that instead (they should agree).
DeliveryReport AnalyzeDeliveries(const std::vector<ConnectionLog>& connections,
                                 const std::string& drop_id, const std::string& creator_id,
                                 TimePoint scheduled);

}  // namespace livedrop::loadgen
