#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class AuthClient;
class RateLimits;

// POST /v1/auth/register|login|refresh|logout and GET /v1/me. With `limits`, register, login and
// refresh pass the per-IP limit first, then the per-account one (the email; for refresh, the
// token): a guessed password costs the guesser's address and the attacked account, not the
// auth service.
void AddAuthRoutes(RouteTable& table, AuthClient& auth, RateLimits* limits = nullptr);

}  // namespace livedrop::gateway
