#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class AuthClient;
class FollowersClient;
class RateLimits;

// PUT/DELETE/GET /v1/me/following/{creator_id}, GET /v1/me/following,
// GET /v1/creators/{id}/followers and GET /v1/creators/{id} (profile with counts). With
// `limits`, follows and unfollows count against the user's follows-user limit.
void AddFollowRoutes(RouteTable& table, AuthClient& auth, FollowersClient& followers,
                     RateLimits* limits = nullptr);

}  // namespace livedrop::gateway
