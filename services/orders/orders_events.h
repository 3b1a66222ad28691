#pragma once

#include "orders_logic.h"

namespace pqxx {
class transaction_base;
}

// The order_* events, each written to the outbox (topic livedrop.orders, key order id) in the
// caller's transaction.
namespace livedrop::orders {

void EmitOrderPlaced(pqxx::transaction_base& tx, const OrderRow& order);
void EmitOrderConfirmed(pqxx::transaction_base& tx, const OrderRow& order);
// The event's reason is the order's failure code.
void EmitOrderFailed(pqxx::transaction_base& tx, const OrderRow& order);
void EmitOrderCancelled(pqxx::transaction_base& tx, const OrderRow& order);

}  // namespace livedrop::orders
