#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class DropsClient;
class DropViewStore;
class InventoryClient;

// POST /v1/products, GET /v1/products/{id}, POST /v1/drops, GET /v1/drops/{id} (with live
// stock from inventory; from `views` when it holds the drop),
// GET /v1/drops?status=&creator_id=, POST /v1/drops/{id}/cancel.
// The public reads of one resource carry an ETag, answer If-None-Match with 304, and may be
// kept by a shared cache for a second (conditional::kPublicShortLived).
void AddDropRoutes(RouteTable& table, DropsClient& drops, InventoryClient& inventory,
                   DropViewStore& views);

}  // namespace livedrop::gateway
