#include "inventory_logic.h"

#include <algorithm>

#include "livedrop/core/error.h"

namespace livedrop::inventory {

int DefaultLowStockThreshold(int total, int percent) { return std::max(1, total * percent / 100); }

void CheckReserve(const StockRow& stock, int already_held_by_buyer, int quantity) {
  if (quantity < 1) throw ValidationError("quantity", "quantity must be positive");
  if (already_held_by_buyer + quantity > stock.per_buyer_limit) {
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
