#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/core/time.h"

namespace google::protobuf {
class Timestamp;
}
namespace livedrop::drops::v1 {
class Drop;
class DropEnded;
class DropStarted;
}  // namespace livedrop::drops::v1
namespace livedrop::events::v1 {
class Envelope;
}
namespace livedrop::inventory::v1 {
class LowStock;
class SoldOut;
}  // namespace livedrop::inventory::v1
namespace livedrop::orders::v1 {
class Order;
class OrderConfirmed;
class OrderFailed;
class OrderRefunded;
}  // namespace livedrop::orders::v1

// What a notification is made of, with no I/O: the notification each source event becomes
// (audience, id, time and the JSON `data` of its type), the checks of a source event, and the
// rules of the inbox API's inputs.
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
// `reason` is left out when empty (order_confirmed); order_failed and order_refunded carry it.
std::string OrderData(const orders::v1::Order& order, const std::string& reason);

// What handling one source event did, for metrics and tests.
struct EventOutcome {
  std::vector<std::string> stored;  // types of the notifications stored
  int duplicates = 0;               // notifications (or parked events) seen before
  int parked = 0;                   // inventory events kept until their drop is known
  int unknown = 0;                  // events of a type this build does not know
};

// A follow or unfollow, as the local follow projection applies it.
struct FollowChange {
  std::string follower_id;
  std::string creator_id;
  bool active = false;  // followed
  TimePoint at;         // the event's time: a stale redelivery changes nothing
};

// The non-retryable error of an event that can never be handled (dead-lettered).
Error MalformedEvent(const events::v1::Envelope& source, const std::string& what);
// Throws MalformedEvent unless the drop's ids are UUIDs (product id when given).
void RequireWellFormed(const events::v1::Envelope& source, const drops::v1::Drop& drop);
// Throws MalformedEvent unless both ids are UUIDs.
void RequireWellFormed(const events::v1::Envelope& source, const FollowChange& change);

// The notification each source event becomes; its id is the source event's id (so a
// redelivery stores nothing new), its type the source's type. Broadcasts of the drop's
// creator: `title` is the product's title when known, `creator_id` the drop's creator.
NotificationRow DropStartedNotification(const events::v1::Envelope& source,
                                        const drops::v1::DropStarted& event,
                                        const std::string& title);
NotificationRow DropEndedNotification(const events::v1::Envelope& source,
                                      const drops::v1::DropEnded& event, const std::string& title);
NotificationRow SoldOutNotification(const events::v1::Envelope& source,
                                    const inventory::v1::SoldOut& event,
                                    const std::string& creator_id);
NotificationRow LowStockNotification(const events::v1::Envelope& source,
                                     const inventory::v1::LowStock& event,
                                     const std::string& creator_id);
// A parked sold_out or low_stock, read back by its payload type; any other payload is
// payload_type_mismatch.
NotificationRow StockNotification(const events::v1::Envelope& source,
                                  const std::string& creator_id);
// Personal notifications of the buyer (MalformedEvent unless the buyer id is a UUID). A
// failure's reason is the event's, else the order's failure code, else "failed"; a refund's
// likewise, else "refunded" (its `amount` is what was refunded).
NotificationRow OrderConfirmedNotification(const events::v1::Envelope& source,
                                           const orders::v1::OrderConfirmed& event);
NotificationRow OrderFailedNotification(const events::v1::Envelope& source,
                                        const orders::v1::OrderFailed& event);
NotificationRow OrderRefundedNotification(const events::v1::Envelope& source,
                                          const orders::v1::OrderRefunded& event);

inline constexpr int kDefaultSinceLimit = 500;
inline constexpr int kMaxSinceLimit = 1000;
// 0 → kDefaultSinceLimit; otherwise 1..kMaxSinceLimit, else validation_failed on "limit".
int SinceLimit(int requested);

}  // namespace livedrop::notifications
