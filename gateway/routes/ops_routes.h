#pragma once

#include <functional>

#include "server/route_table.h"

namespace livedrop::gateway {

// GET /healthz (the process runs), /readyz (it can serve: keys loaded) and /openapi.json (the
// contract of every route). /metrics is not here: it is on the admin port only
// (metrics::AdminServer on --admin-listen), so the public port never shows it.
void AddOpsRoutes(RouteTable& table, std::function<bool()> ready);

// The OpenAPI 3.1 document, embedded at build time from gateway/openapi/openapi.json.
const std::string& OpenApiDocument();

}  // namespace livedrop::gateway
