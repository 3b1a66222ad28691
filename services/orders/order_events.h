#pragma once

#include <string>

#include "livedrop/orders/v1/orders.pb.h"
#include "orders_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::orders {

void ToProto(const OrderRow& order, v1::Order& out);

// Writes order_placed / order_confirmed / order_failed / order_cancelled for `order` to the
// outbox (topic livedrop.orders, key order id) in the caller's transaction.
void EmitOrderEvent(pqxx::transaction_base& tx, const std::string& type, const OrderRow& order);

}  // namespace livedrop::orders
