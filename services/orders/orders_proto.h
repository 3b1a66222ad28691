#pragma once

#include "livedrop/orders/v1/orders.pb.h"
#include "orders_logic.h"

namespace livedrop::orders {

// An order as the gRPC answers and the events carry it.
void ToProto(const OrderRow& order, v1::Order& out);

}  // namespace livedrop::orders
