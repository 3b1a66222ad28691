#include "orders_logic.h"

#include <sodium.h>

#include <array>

#include "clients/payment_port.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/reason.h"

namespace livedrop::orders {
namespace {

constexpr std::array<std::pair<OrderStatus, const char*>, 4> kStatuses{{
    {OrderStatus::kPending, "pending"},
    {OrderStatus::kConfirmed, "confirmed"},
    {OrderStatus::kFailed, "failed"},
    {OrderStatus::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<Stage, const char*>, 7> kStages{{
    {Stage::kPlaced, "placed"},
    {Stage::kReserved, "reserved"},
    {Stage::kCharging, "charging"},
    {Stage::kCharged, "charged"},
    {Stage::kRefunding, "refunding"},
    {Stage::kReleasing, "releasing"},
    {Stage::kDone, "done"},
}};

template <class Table, class Value>
const char* NameIn(const Table& table, Value value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <class Table>
auto ParseIn(const Table& table, const std::string& name, const char* what) {
  for (const auto& [v, n] : table) {
    if (name == n) return v;
  }
  throw Error(ErrorKind::kInternal, "corrupt_row", std::string("unknown order ") + what);
}

bool PrintableAscii(const std::string& s) {
  for (const unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Payment failure codes are reasons for one public code: the card was not charged.
bool IsPaymentFailure(const std::string& code) {
  for (const auto reason : {DeclineReason::kCardDeclined, DeclineReason::kInsufficientFunds,
                            DeclineReason::kProviderTimeout, DeclineReason::kInvalidPaymentToken,
                            DeclineReason::kOther}) {
    if (code == DeclineReasonName(reason)) return true;
  }
  return false;
}

}  // namespace

const char* StatusName(OrderStatus status) { return NameIn(kStatuses, status); }
OrderStatus ParseStatus(const std::string& name) { return ParseIn(kStatuses, name, "status"); }
const char* StageName(Stage stage) { return NameIn(kStages, stage); }
Stage ParseStage(const std::string& name) { return ParseIn(kStages, name, "stage"); }

void ValidatePlaceOrder(const PlaceOrderInput& in) {
  if (in.idempotency_key.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "idempotency_key_missing",
                "the Idempotency-Key header is required");
  }
  if (in.idempotency_key.size() > kMaxIdempotencyKey || !PrintableAscii(in.idempotency_key)) {
    throw ValidationError("Idempotency-Key",
                          "Idempotency-Key must be 1 to 255 printable ASCII characters");
  }
  RequireUuid("buyer_id", in.buyer_id);
  RequireUuid("drop_id", in.drop_id);
  if (in.quantity < 1 || in.quantity > kMaxQuantity) {
    throw ValidationError("quantity", "quantity must be between 1 and 1000");
  }
  if (in.payment_token.empty() || in.payment_token.size() > kMaxPaymentToken ||
      !PrintableAscii(in.payment_token)) {
    throw ValidationError("payment_token",
                          "payment_token must be 1 to 255 printable ASCII characters");
  }
}

std::string RequestHash(const PlaceOrderInput& in) {
  // Length-prefixed so that no two different requests serialize alike.
  std::string canonical;
  for (const auto& part : {in.drop_id, std::to_string(in.quantity), in.payment_token}) {
    canonical += std::to_string(part.size()) + ":" + part + ";";
  }
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(canonical.data()),
                     canonical.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

void CheckOnSale(const DropTerms& drop, TimePoint now) {
  auto not_live = [](const std::string& why) {
    return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_DROP_NOT_LIVE, why);
  };
  if (drop.status == DropStatus::kCancelled) throw not_live("the drop was cancelled");
  if (drop.status == DropStatus::kEnded || now >= drop.ends_at) {
    throw not_live("the drop has ended");
  }
  if (now < drop.starts_at) throw not_live("the drop has not started yet");
}

std::optional<Error> OutcomeError(const OrderRow& order) {
  const std::map<std::string, std::string> meta{{"order_id", order.id}};
  switch (order.status) {
    case OrderStatus::kConfirmed:
    case OrderStatus::kPending:
      return std::nullopt;
    case OrderStatus::kCancelled:
      if (order.failure_code == kDropCancelled) {
        return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_DROP_NOT_LIVE,
                                order.refunded ? "the drop was cancelled; the charge was refunded"
                                               : "the drop was cancelled; nothing was charged",
                                meta);
      }
      return Error(ErrorKind::kFailedPrecondition, "order_cancelled", "the order was cancelled",
                   meta);
    case OrderStatus::kFailed:
      break;
  }
  const auto& code = order.failure_code;
  if (IsPaymentFailure(code)) {
    auto m = meta;
    m["reason"] = code;
    return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_PAYMENT_DECLINED,
                            "the payment was not accepted (" + code + "); nothing was charged", m);
  }
  // Else the failure code is the reason the saga ended the order with, as a common.v1.Reason.
  switch (rpc::ParseEnumCode<common::v1::Reason>(code)) {
    case common::v1::REASON_SOLD_OUT:
      return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_SOLD_OUT,
                              "the drop is sold out", meta);
    case common::v1::REASON_LIMIT_EXCEEDED:
      return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_LIMIT_EXCEEDED,
                              "this would take you over the drop's per-buyer limit", meta);
    case common::v1::REASON_RESERVATION_EXPIRED:
      return rpc::ReasonError(
          ErrorKind::kFailedPrecondition, common::v1::REASON_RESERVATION_EXPIRED,
          "the held stock lapsed before the payment completed; the charge was refunded", meta);
    default:
      break;
  }
  return Error(ErrorKind::kFailedPrecondition, code.empty() ? "order_failed" : code,
               "the order failed", meta);
}

}  // namespace livedrop::orders
