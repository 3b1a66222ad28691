#pragma once

#include <cstdint>
#include <string>

#include "livedrop/core/time.h"

namespace google::protobuf {
class Timestamp;
}
namespace livedrop::drops::v1 {
class Drop;
}
namespace livedrop::inventory::v1 {
class LowStock;
class SoldOut;
}  // namespace livedrop::inventory::v1
namespace livedrop::orders::v1 {
class Order;
}

// What a notification is made of, with no I/O: the JSON `data` of each type and the rules of
// the inbox API's inputs.
namespace livedrop::notifications {

enum class Audience {
  kUser,     // personal: stored for one user
  kCreator,  // broadcast: stored once, read by the creator's followers
};

// One notification; `seq` is 0 until it is stored.
struct NotificationRow {
  std::string id;  // the source event's envelope id
  std::int64_t seq = 0;
  std::string type;  // the source event's type
  TimePoint time;    // the source event's time
  std::string data_json;
  Audience audience = Audience::kUser;
  std::string audience_id;  // user id or creator id
};

// `title`: the product's title when known (else left out of the JSON).
std::string DropStartedData(const drops::v1::Drop& drop, TimePoint scheduled_start,
                            const std::string& title);
std::string DropEndedData(const drops::v1::Drop& drop, const std::string& title);
std::string SoldOutData(const inventory::v1::SoldOut& event, const std::string& creator_id);
std::string LowStockData(const inventory::v1::LowStock& event, const std::string& creator_id);
// `reason` is left out when empty (order_confirmed).
std::string OrderData(const orders::v1::Order& order, const std::string& reason);

inline constexpr int kDefaultSinceLimit = 500;
inline constexpr int kMaxSinceLimit = 1000;
// 0 → kDefaultSinceLimit; otherwise 1..kMaxSinceLimit, else validation_failed on "limit".
int SinceLimit(int requested);

}  // namespace livedrop::notifications
