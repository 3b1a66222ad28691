#pragma once

#include <string>
#include <vector>

#include "inventory_store.h"

// Stock rules with no I/O.
namespace livedrop::inventory {

// 10% of the drop, at least 1: low_stock fires when available first falls below it.
int DefaultLowStockThreshold(int total, int percent = 10);

// Throws sold_out / limit_exceeded / validation_failed (livedrop::Error) when the reservation
// may not happen.
void CheckReserve(const StockRow& stock, int already_held_by_buyer, int quantity);

// A Reserve retried with the order id of an existing reservation must ask for the same thing;
// otherwise throws reservation_mismatch (the order id names another reservation).
void CheckSameReservation(const ReservationRow& existing, const std::string& drop_id,
                          const std::string& buyer_id, int quantity);

// The events a stock change causes: "sold_out", "low_stock", "restocked". Applied to the net
// change of a whole batch, so a unit taken and returned within one transaction says nothing,
// and a batch that goes from above the low-stock line straight to 0 says only sold_out.
std::vector<std::string> EventsFor(const StockRow& before, const StockRow& after);

}  // namespace livedrop::inventory
