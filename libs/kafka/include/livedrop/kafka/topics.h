#pragma once

// Every Kafka topic and event type of the platform, defined once. Producers name their topic
// and event type from here; consumers subscribe and dispatch with the same constants, so a
// typo is a compile error instead of an event nobody reads. (Kafka topics `livedrop.<domain>`,
// keyed by aggregate id; each message is one events.v1.Envelope.)
namespace livedrop::topics {

inline constexpr char kAuth[] = "livedrop.auth";
inline constexpr char kFollowers[] = "livedrop.followers";
inline constexpr char kDrops[] = "livedrop.drops";
inline constexpr char kInventory[] = "livedrop.inventory";
// Stock snapshots (stock_changed), high rate and for readers' caches only: apart from
// livedrop.inventory's domain events so their consumers need not skip them.
inline constexpr char kStock[] = "livedrop.stock";
inline constexpr char kOrders[] = "livedrop.orders";
inline constexpr char kPayment[] = "livedrop.payment";
inline constexpr char kNotifications[] = "livedrop.notifications";

}  // namespace livedrop::topics

namespace livedrop::event_types {

// livedrop.auth
inline constexpr char kUserRegistered[] = "user_registered";
// livedrop.followers
inline constexpr char kFollowed[] = "followed";
inline constexpr char kUnfollowed[] = "unfollowed";
// livedrop.drops
inline constexpr char kDropScheduled[] = "drop_scheduled";
inline constexpr char kDropStarted[] = "drop_started";
inline constexpr char kDropEnded[] = "drop_ended";
inline constexpr char kDropCancelled[] = "drop_cancelled";
// livedrop.inventory
inline constexpr char kSoldOut[] = "sold_out";
inline constexpr char kLowStock[] = "low_stock";
inline constexpr char kRestocked[] = "restocked";
// livedrop.stock
inline constexpr char kStockChanged[] = "stock_changed";
// livedrop.orders
inline constexpr char kOrderPlaced[] = "order_placed";
inline constexpr char kOrderConfirmed[] = "order_confirmed";
inline constexpr char kOrderFailed[] = "order_failed";
inline constexpr char kOrderCancelled[] = "order_cancelled";
inline constexpr char kOrderRefunded[] = "order_refunded";
// livedrop.payment
inline constexpr char kPaymentSucceeded[] = "payment_succeeded";
inline constexpr char kPaymentFailed[] = "payment_failed";
inline constexpr char kPaymentRefunded[] = "payment_refunded";
// livedrop.notifications: one type for every notification, its kind inside
inline constexpr char kNotification[] = "notification";

}  // namespace livedrop::event_types
