#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class AuthClient;
class FollowersClient;

// PUT/DELETE/GET /v1/me/following/{creator_id}, GET /v1/me/following,
// GET /v1/creators/{id}/followers and GET /v1/creators/{id} (profile with counts).
void AddFollowRoutes(RouteTable& table, AuthClient& auth, FollowersClient& followers);

}  // namespace livedrop::gateway
