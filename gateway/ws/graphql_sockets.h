#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "livedrop/auth/jwt.h"
#include "livedrop/core/time.h"
#include "livedrop/http/websocket.h"

namespace livedrop::graphql {
class Engine;
}

namespace livedrop::gateway {

class DocumentCache;
class FollowersClient;
class KeyRefresher;
class NotificationHub;
class RateLimits;

struct GraphQLSocketOptions {
  std::chrono::milliseconds init_timeout{10000};  // for connection_init, else 4408
  std::size_t max_subscriptions = 50;             // running at once on one connection
  std::size_t max_following = 5000;               // creators loaded for myNotifications
};

// GraphQL over WebSocket at /graphql with the graphql-transport-ws protocol (the graphql-ws
// library's): connection_init (its payload may carry `Authorization: Bearer <token>`), then
// subscribe / next / error / complete, ping / pong. Subscriptions are fed by the hub that feeds
// /v1/ws (one fan-out): each is a hub subscriber whose frames run the subscription's selection
// set — dropEvents(creatorId) gets that creator's broadcasts, myNotifications what /v1/ws would
// send the user. Queries and mutations run once (next, complete). Subscriptions need a signed-in
// user (else an `error` with code unauthenticated); a bad token closes with 4403. With
// `limits`, a signed-in connection takes one of the user's WebSocket places (ws-open, ws-user:
// the /v1/ws ones, so both kinds count together) before connection_ack; past them it closes
// with 1013 (Try Again Later), and operations run with the client IP the per-IP limits count.
class GraphQLSockets {
 public:
  GraphQLSockets(const graphql::Engine& engine, DocumentCache& documents, NotificationHub& hub,
                 const auth::JwtVerifier& verifier, KeyRefresher* keys, FollowersClient& followers,
                 GraphQLSocketOptions options = {}, RateLimits* limits = nullptr);
  ~GraphQLSockets();

  void OnUpgrade(std::shared_ptr<http::UpgradeRequest> upgrade);
  // Closes (4408) the connections that sent no connection_init in time; returns how many.
  std::size_t CloseUninitialised(TimePoint now);

  struct Connection;  // in graphql_sockets.cpp

 private:
  void OnMessage(const std::shared_ptr<Connection>& c, const std::string& text);
  void Initialise(const std::shared_ptr<Connection>& c, const boost::json::object& message);
  void Acknowledge(const std::shared_ptr<Connection>& c);
  void Subscribe(const std::shared_ptr<Connection>& c, const boost::json::object& message);

  const graphql::Engine& engine_;
  DocumentCache& documents_;
  NotificationHub& hub_;
  const auth::JwtVerifier& verifier_;
  KeyRefresher* keys_;
  FollowersClient& followers_;
  GraphQLSocketOptions options_;
  RateLimits* limits_;

  std::mutex mutex_;
  std::unordered_set<std::shared_ptr<Connection>> waiting_;  // accepted, not initialised yet
};

}  // namespace livedrop::gateway
