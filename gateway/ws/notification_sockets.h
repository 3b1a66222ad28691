#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "livedrop/auth/jwt.h"
#include "livedrop/http/websocket.h"

namespace livedrop::gateway {

class FollowersClient;
class KeyRefresher;
class NotificationHub;
class NotificationsClient;
class RateLimits;

struct NotificationSocketOptions {
  std::size_t max_following = 5000;  // creators loaded per connection
  // Missed notifications asked from the inbox at a time; the next page is asked once the
  // socket has sent the last one, so a replay of any length fits the bounded send queue.
  std::size_t replay_page = 200;
};

// GET /v1/ws: authenticates the upgrade (Authorization header, `access_token` query parameter,
// or a `access_token.<token>` subprotocol for browsers), then for each connection loads whom the
// user follows, sends `ready`, replays what it missed after `last_event_id` from the inbox page by
// page (then `caught_up`), and hands it to the hub: live frames, in order and without repeats.
// With `limits`, a user opens at most ws-user connections per window and holds at most ws-open
// at once across every gateway (a place held until the socket closes, or its token expires:
// the socket cannot outlive it); a refused upgrade is answered 429.
class NotificationSockets {
 public:
  NotificationSockets(NotificationHub& hub, const auth::JwtVerifier& verifier, KeyRefresher* keys,
                      FollowersClient& followers, NotificationsClient& notifications,
                      NotificationSocketOptions options = {}, RateLimits* limits = nullptr);

  void OnUpgrade(std::shared_ptr<http::UpgradeRequest> upgrade);

 private:
  struct Connection;
  void Open(const std::shared_ptr<http::UpgradeRequest>& upgrade, std::shared_ptr<Connection> c,
            TimePoint expires_at, const std::string& subprotocol);
  void LoadFollowing(std::shared_ptr<Connection> c);
  void Replay(std::shared_ptr<Connection> c);
  void GoLive(const std::shared_ptr<Connection>& c, std::optional<std::string> replay_error);

  NotificationHub& hub_;
  const auth::JwtVerifier& verifier_;
  KeyRefresher* keys_;
  FollowersClient& followers_;
  NotificationsClient& notifications_;
  NotificationSocketOptions options_;
  RateLimits* limits_;
};

}  // namespace livedrop::gateway
