#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class OrdersClient;

// POST /v1/orders (Idempotency-Key), GET /v1/orders/{id}, POST /v1/orders/{id}/cancel,
// GET /v1/me/orders. A buyer only ever sees their own orders.
void AddOrderRoutes(RouteTable& table, OrdersClient& orders);

}  // namespace livedrop::gateway
