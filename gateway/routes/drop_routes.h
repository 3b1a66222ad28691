#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class DropsClient;
class InventoryClient;

// POST /v1/products, GET /v1/products/{id}, POST /v1/drops, GET /v1/drops/{id} (with live
// stock from inventory),
// GET /v1/drops?status=&creator_id=, POST /v1/drops/{id}/cancel.
void AddDropRoutes(RouteTable& table, DropsClient& drops, InventoryClient& inventory);

}  // namespace livedrop::gateway
