#pragma once

#include <optional>
#include <string>

#include "livedrop/core/reply.h"

namespace livedrop::orders {

// Why inventory would not hold stock for an order: each ends the order, none is retried.
enum class ReserveRefusal {
  kSoldOut,        // not enough stock left
  kLimitExceeded,  // the buyer's reservations would pass the drop's per-buyer limit
  kNoStock,        // inventory has no stock for the drop (yet, or ever)
  kDropNotLive,    // the drop's stock is frozen: the drop was cancelled
  kInvalid,        // inventory rejected the request itself
};

enum class ReservationState { kHeld, kConfirmed, kReleased, kExpired };

struct ReserveRequest {
  std::string order_id, drop_id, buyer_id;
  int quantity = 0;
};

// Either a refusal or the reservation inventory holds for the order (which, for a retry after
// the hold lapsed, may be expired).
struct ReserveResult {
  std::optional<ReserveRefusal> refusal;
  ReservationState state = ReservationState::kHeld;
  std::string detail;  // inventory's message, for logs
};

// Inventory's answer to Confirm and Release when no held reservation was there to act on.
enum class HoldGone {
  kNotHeld,        // (Confirm) it lapsed (the expiry sweeper returned the stock) or was released
  kNoReservation,  // inventory never recorded one for the order
  kConfirmed,      // (Release) it was confirmed: its units are sold and stay so
};

// What orders asks of livedrop-inventory. Every call is idempotent by order id and
// asynchronous: it returns at once and delivers its reply to `then` (livedrop/core/reply.h).
// Failures that may pass (unavailable, deadline_exceeded, overloaded) and anything unexpected
// are a failed reply carrying livedrop::Error; the answers the saga decides on are values.
class InventoryPort {
 public:
  virtual ~InventoryPort() = default;
  virtual void Reserve(const ReserveRequest& request, Then<ReserveResult> then) = 0;
  // Nothing when the reservation is confirmed (now or before). `drop_id` is the order's drop
  // (inventory then need not read the reservation to learn it).
  virtual void Confirm(const std::string& order_id, const std::string& drop_id,
                       Then<std::optional<HoldGone>> then) = 0;
  // Nothing when the stock is back (released now, or released or lapsed before); kNoReservation
  // when inventory never recorded one; kConfirmed when it was confirmed (not released).
  virtual void Release(const std::string& order_id, const std::string& drop_id,
                       Then<std::optional<HoldGone>> then) = 0;
};

// For logs.
inline const char* ReserveRefusalName(ReserveRefusal refusal) {
  switch (refusal) {
    case ReserveRefusal::kSoldOut:
      return "sold_out";
    case ReserveRefusal::kLimitExceeded:
      return "limit_exceeded";
    case ReserveRefusal::kNoStock:
      return "no_stock";
    case ReserveRefusal::kDropNotLive:
      return "drop_not_live";
    case ReserveRefusal::kInvalid:
      return "invalid";
  }
  return "unknown";
}

}  // namespace livedrop::orders
