#pragma once

#include <optional>
#include <string>

#include "inventory_store.h"
#include "livedrop/core/error.h"

namespace livedrop::inventory {

// One change to a drop's stock, as queued for a batch (StockBatcher) and applied by
// Inventory in the batch's transaction.
struct StockRequest {
  enum class Kind { kReserve, kConfirm, kRelease, kExpire };
  Kind kind = Kind::kReserve;
  std::string order_id;
  std::string buyer_id;  // kReserve only
  int quantity = 0;      // kReserve only
};

// What one request came to, decided on its own even when it shared a transaction.
struct StockOutcome {
  std::optional<ReservationRow> reservation;  // the reservation after the request
  std::optional<Error> error;                 // the request was refused (nothing changed)
  bool changed = false;                       // the request moved stock
};

}  // namespace livedrop::inventory
