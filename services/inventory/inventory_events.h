#pragma once

#include "inventory_logic.h"

namespace pqxx {
class transaction_base;
}

// The events of livedrop.inventory, one emit function each, written to the outbox in the
// caller's transaction (keyed by drop id) with the trace of the call being served.
namespace livedrop::inventory {

// `stock` is the row as the transaction leaves it.
void EmitSoldOut(pqxx::transaction_base& tx, const StockRow& stock);
void EmitLowStock(pqxx::transaction_base& tx, const StockRow& stock);
void EmitRestocked(pqxx::transaction_base& tx, const StockRow& stock);

}  // namespace livedrop::inventory
