#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class OrdersClient;
class RateLimits;

// POST /v1/orders (Idempotency-Key), GET /v1/orders/{id}, POST /v1/orders/{id}/cancel,
// GET /v1/me/orders. A buyer only ever sees their own orders. With `limits`, POST /v1/orders
// counts against the buyer's orders-buyer limit and holds one of the buyer's places in flight
// until it is answered.
void AddOrderRoutes(RouteTable& table, OrdersClient& orders, RateLimits* limits = nullptr);

}  // namespace livedrop::gateway
