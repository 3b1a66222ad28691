#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "livedrop/core/error.h"
#include "livedrop/core/time.h"

// Order rules with no I/O.
namespace livedrop::orders {

enum class OrderStatus { kPending, kConfirmed, kFailed, kCancelled };
enum class Stage { kPlaced, kReserved, kCharging, kCharged, kRefunding, kReleasing, kDone };

const char* StatusName(OrderStatus status);
OrderStatus ParseStatus(const std::string& name);
const char* StageName(Stage stage);
Stage ParseStage(const std::string& name);

struct OrderRow {
  std::string id, buyer_id, drop_id;
  int quantity = 0;
  std::int64_t amount = 0;
  std::string currency;
  std::string payment_token;
  OrderStatus status = OrderStatus::kPending;
  Stage stage = Stage::kPlaced;
  std::string failure_code;  // empty unless failed or cancelled
  bool refunded = false;     // the charge was given back (the move out of stage refunding)
  std::int64_t seq = 0;
  TimePoint created_at;
};

// The failure codes of orders ended by a cancellation (status cancelled): by their buyer, and
// because their drop was cancelled (unpaid ones released, paid ones refunded).
inline constexpr char kCancelledByBuyer[] = "cancelled";
inline constexpr char kDropCancelled[] = "drop_cancelled";

// What a buyer asks for; validated by ValidatePlaceOrder.
struct PlaceOrderInput {
  std::string buyer_id, idempotency_key, drop_id, payment_token;
  int quantity = 0;
};

inline constexpr int kMaxQuantity = 1000;
inline constexpr std::size_t kMaxIdempotencyKey = 255;
inline constexpr std::size_t kMaxPaymentToken = 255;

// Throws validation_failed (or idempotency_key_missing) naming the first bad field.
void ValidatePlaceOrder(const PlaceOrderInput& input);

// Hex SHA-256 of the fields that make two requests "the same request" under one key.
std::string RequestHash(const PlaceOrderInput& input);

enum class DropStatus { kUnknown, kScheduled, kLive, kSoldOut, kEnded, kCancelled };

// What the orders service knows of a drop (from livedrop-drops).
struct DropTerms {
  std::string id;
  DropStatus status = DropStatus::kUnknown;
  TimePoint starts_at, ends_at;
  int per_buyer_limit = 0;
  std::int64_t unit_amount = 0;
  std::string currency;
};

// Throws drop_not_live unless the drop is on sale at `now`. Decided by its window (the
// scheduler flips the status a few ms after starts_at) except for a cancellation.
void CheckOnSale(const DropTerms& drop, TimePoint now);

// The answer an order gives its buyer: nothing for a confirmed order, nor for a pending one
// (it is answered as it stands: 202 with its id, and may still be charged), otherwise the
// error (sold_out 409, payment_declined 402, ...) carrying the order id.
std::optional<Error> OutcomeError(const OrderRow& order);

}  // namespace livedrop::orders
