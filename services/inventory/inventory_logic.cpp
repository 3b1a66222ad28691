#include "inventory_logic.h"

#include <algorithm>

#include "livedrop/core/error.h"

namespace livedrop::inventory {

int DefaultLowStockThreshold(int total, int percent) {
  // In 64 bits: a drop of a billion units times the percent would overflow an int.
  return static_cast<int>(std::max<long long>(1, static_cast<long long>(total) * percent / 100));
}

void CheckReserve(const StockRow& stock, int already_held_by_buyer, int quantity) {
  if (quantity < 1) throw ValidationError("quantity", "quantity must be positive");
  // Subtracted, not added: a quantity near INT_MAX must not overflow past the limit.
  if (quantity > stock.per_buyer_limit - already_held_by_buyer) {
    throw Error(ErrorKind::kFailedPrecondition, "limit_exceeded",
                "at most " + std::to_string(stock.per_buyer_limit) + " per buyer for this drop",
                {{"per_buyer_limit", std::to_string(stock.per_buyer_limit)}});
  }
  if (stock.available < quantity) {
    throw Error(ErrorKind::kFailedPrecondition, "sold_out",
                stock.available == 0 ? "the drop is sold out"
                                     : "only " + std::to_string(stock.available) + " left",
                {{"available", std::to_string(stock.available)}});
  }
}

void CheckSameReservation(const ReservationRow& existing, const std::string& drop_id,
                          const std::string& buyer_id, int quantity) {
  std::string field;
  if (existing.drop_id != drop_id) {
    field = "drop_id";
  } else if (existing.buyer_id != buyer_id) {
    field = "buyer_id";
  } else if (existing.quantity != quantity) {
    field = "quantity";
  } else {
    return;
  }
  throw Error(ErrorKind::kFailedPrecondition, "reservation_mismatch",
              "order " + existing.order_id + " already reserved with another " + field,
              {{"field", field}});
}

std::vector<std::string> EventsFor(const StockRow& before, const StockRow& after) {
  std::vector<std::string> events;
  if (before.available > 0 && after.available == 0) events.push_back("sold_out");
  if (before.available == 0 && after.available > 0) events.push_back("restocked");
  if (!before.low_stock_sent && after.available > 0 &&
      after.available < after.low_stock_threshold) {
    events.push_back("low_stock");
  }
  return events;
}

}  // namespace livedrop::inventory
