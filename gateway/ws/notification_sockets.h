#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "livedrop/auth/jwt.h"
#include "livedrop/http/websocket.h"

namespace livedrop::gateway {

class FollowersClient;
class KeyRefresher;
class NotificationHub;
class NotificationsClient;

struct NotificationSocketOptions {
  std::size_t max_following = 5000;  // creators loaded per connection
  std::size_t max_replay = 5000;     // missed notifications replayed on reconnect
};

// GET /v1/ws: authenticates the upgrade (Authorization header, `access_token` query parameter,
// or a `access_token.<token>` subprotocol for browsers), then for each connection loads whom the
// user follows, replays what it missed after `last_event_id` from the inbox, and hands it to the
// hub: a `ready` frame, the replay, then live frames, in order and without repeats.
class NotificationSockets {
 public:
  NotificationSockets(NotificationHub& hub, const auth::JwtVerifier& verifier, KeyRefresher* keys,
                      FollowersClient& followers, NotificationsClient& notifications,
                      NotificationSocketOptions options = {});

  void OnUpgrade(std::shared_ptr<http::UpgradeRequest> upgrade);

 private:
  struct Connection;
  void LoadFollowing(std::shared_ptr<Connection> c);
  void Replay(std::shared_ptr<Connection> c);
  void GoLive(const std::shared_ptr<Connection>& c, const std::string& replay_error);

  NotificationHub& hub_;
  const auth::JwtVerifier& verifier_;
  KeyRefresher* keys_;
  FollowersClient& followers_;
  NotificationsClient& notifications_;
  NotificationSocketOptions options_;
};

}  // namespace livedrop::gateway
