#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "graphql/engine.h"
#include "livedrop/auth/jwt.h"
#include "livedrop/grpc/client.h"

namespace livedrop::gateway {

class AuthClient;
class DropsClient;
class DropViewStore;
class FollowersClient;
class ImagesClient;
class InventoryClient;
class NotificationsClient;
class OrdersClient;
class RateLimits;

// The services the GraphQL API reaches, through the gateway's own non-blocking clients.
struct ApiClients {
  AuthClient& auth;
  FollowersClient& followers;
  DropsClient& drops;
  ImagesClient& images;  // drops' ProductImagesService
  InventoryClient& inventory;
  OrdersClient& orders;
  NotificationsClient& notifications;
  // The hot drop views REST serves (cache/drop_view_store.h): the drop and stock loaders answer
  // the drops it holds from it. Null: always the services.
  DropViewStore* drop_views = nullptr;
  // The REST routes' limits, applied to the same mutations (register, login and refresh per
  // account, placeOrder per buyer and in flight, follow and unfollow per user; the per-IP ones
  // only over REST). Null: none.
  RateLimits* limits = nullptr;
};

// Who is asking, handed to every resolver as the request's context: the call origin (request
// id, trace) the services see, and the verified caller when a token came with the request.
struct ApiContext {
  rpc::CallOrigin origin;
  std::optional<auth::Claims> caller;
  std::string client_ip;  // as per-IP limits count it (RateLimits::IpKey): "" when not counted
};

// gateway/graphql_api/schema.graphql, as built into the binary and served.
std::string_view ApiSchemaSdl();

// The Live Drops GraphQL API: the schema run by resolvers over the services, with the same
// rules, limits, authorization and error codes as the REST routes. Thread-safe.
std::shared_ptr<const graphql::Engine> MakeApiEngine(const ApiClients& clients,
                                                     graphql::EngineOptions options = {});

}  // namespace livedrop::gateway
