#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class AuthClient;

// POST /v1/auth/register|login|refresh|logout and GET /v1/me.
void AddAuthRoutes(RouteTable& table, AuthClient& auth);

}  // namespace livedrop::gateway
