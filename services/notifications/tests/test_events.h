#pragma once

// Source events as the other services emit them, for the notifications tests.
#include <string>

#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "notifications_logic.h"

namespace livedrop::notifications::testing {

using events::v1::Envelope;

inline Envelope At(Envelope envelope, TimePoint time) {
  rpc::SetTimestamp(time, envelope.mutable_time());
  return envelope;
}

inline drops::v1::Drop Drop(const std::string& drop_id, const std::string& creator_id) {
  drops::v1::Drop drop;
  drop.set_id(drop_id);
  drop.set_creator_id(creator_id);
  drop.set_product_id(NewUuid());
  rpc::SetTimestamp(Now(), drop.mutable_starts_at());
  rpc::SetTimestamp(Now() + std::chrono::hours(1), drop.mutable_ends_at());
  drop.set_quantity(10);
  drop.set_per_buyer_limit(2);
  return drop;
}

inline Envelope DropScheduled(const std::string& drop_id, const std::string& creator_id) {
  drops::v1::DropScheduled e;
  *e.mutable_drop() = Drop(drop_id, creator_id);
  return kafka::MakeEnvelope("drop_scheduled", "livedrop-drops", drop_id, e);
}

inline Envelope DropStarted(const std::string& drop_id, const std::string& creator_id) {
  drops::v1::DropStarted e;
  *e.mutable_drop() = Drop(drop_id, creator_id);
  *e.mutable_scheduled_start() = e.drop().starts_at();
  return kafka::MakeEnvelope("drop_started", "livedrop-drops", drop_id, e);
}

inline Envelope DropEnded(const std::string& drop_id, const std::string& creator_id) {
  drops::v1::DropEnded e;
  *e.mutable_drop() = Drop(drop_id, creator_id);
  return kafka::MakeEnvelope("drop_ended", "livedrop-drops", drop_id, e);
}

inline Envelope SoldOut(const std::string& drop_id) {
  inventory::v1::SoldOut e;
  e.set_drop_id(drop_id);
  return kafka::MakeEnvelope("sold_out", "livedrop-inventory", drop_id, e);
}

inline Envelope LowStock(const std::string& drop_id, int available, int total) {
  inventory::v1::LowStock e;
  e.set_drop_id(drop_id);
  e.set_available(available);
  e.set_total(total);
  return kafka::MakeEnvelope("low_stock", "livedrop-inventory", drop_id, e);
}

inline Envelope Restocked(const std::string& drop_id) {
  inventory::v1::Restocked e;
  e.set_drop_id(drop_id);
  e.set_available(1);
  return kafka::MakeEnvelope("restocked", "livedrop-inventory", drop_id, e);
}

inline orders::v1::Order Order(const std::string& buyer_id, orders::v1::OrderStatus status) {
  orders::v1::Order order;
  order.set_id(NewUuid());
  order.set_buyer_id(buyer_id);
  order.set_drop_id(NewUuid());
  order.set_quantity(1);
  order.set_amount(2500);
  order.set_currency("EUR");
  order.set_status(status);
  return order;
}

inline Envelope OrderConfirmed(const std::string& buyer_id) {
  orders::v1::OrderConfirmed e;
  *e.mutable_order() = Order(buyer_id, orders::v1::ORDER_STATUS_CONFIRMED);
  return kafka::MakeEnvelope("order_confirmed", "livedrop-orders", e.order().id(), e);
}

inline Envelope OrderFailed(const std::string& buyer_id, const std::string& reason) {
  orders::v1::OrderFailed e;
  *e.mutable_order() = Order(buyer_id, orders::v1::ORDER_STATUS_FAILED);
  e.set_reason(reason);
  return kafka::MakeEnvelope("order_failed", "livedrop-orders", e.order().id(), e);
}

// A paid order refunded because its drop was cancelled, as livedrop-orders emits it.
inline Envelope OrderRefunded(const std::string& buyer_id, const std::string& reason) {
  orders::v1::OrderRefunded e;
  *e.mutable_order() = Order(buyer_id, orders::v1::ORDER_STATUS_CANCELLED);
  e.mutable_order()->set_failure_code("drop_cancelled");
  e.mutable_order()->set_refunded(true);
  e.set_reason(reason);
  return kafka::MakeEnvelope("order_refunded", "livedrop-orders", e.order().id(), e);
}

inline Envelope Followed(const std::string& follower_id, const std::string& creator_id) {
  followers::v1::Followed e;
  e.set_follower_id(follower_id);
  e.set_creator_id(creator_id);
  return kafka::MakeEnvelope("followed", "livedrop-followers", creator_id, e);
}

inline Envelope Unfollowed(const std::string& follower_id, const std::string& creator_id) {
  followers::v1::Unfollowed e;
  e.set_follower_id(follower_id);
  e.set_creator_id(creator_id);
  return kafka::MakeEnvelope("unfollowed", "livedrop-followers", creator_id, e);
}

}  // namespace livedrop::notifications::testing
