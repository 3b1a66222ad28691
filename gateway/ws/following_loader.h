#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/grpc/client.h"

namespace livedrop::gateway {

class FollowersClient;

// Pages through whom `user_id` follows (newest first, at most `max`), without blocking, and
// hands the creator ids to `done` — or the error that stopped it. For a live connection's
// interests in the hub.
void LoadFollowing(FollowersClient& followers, std::string user_id, rpc::CallOrigin origin,
                   std::size_t max,
                   std::function<void(std::optional<Error>, std::vector<std::string>)> done);

}  // namespace livedrop::gateway
