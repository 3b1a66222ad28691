#include "route_harness.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <future>
#include <thread>

#include "cache/drop_view_store.h"
#include "clients/auth_client.h"
#include "clients/drops_client.h"
#include "clients/followers_client.h"
#include "clients/images_client.h"
#include "clients/inventory_client.h"
#include "clients/notifications_client.h"
#include "clients/orders_client.h"
#include "clients/unary_call.h"
#include "gateway_options.h"
#include "graphql_api/api.h"
#include "graphql_api/document_cache.h"
#include "livedrop/auth/jwt.h"
#include "livedrop/core/time.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/testing/in_process_server.h"
#include "routes/auth_routes.h"
#include "routes/drop_routes.h"
#include "routes/follow_routes.h"
#include "routes/graphql_routes.h"
#include "routes/image_routes.h"
#include "routes/notification_routes.h"
#include "routes/ops_routes.h"
#include "routes/order_routes.h"
#include "server/gateway.h"
#include "server/route_table.h"

namespace livedrop::gateway::fakes {
namespace {

constexpr char kIssuer[] = "livedrop-test";
constexpr char kAudience[] = "livedrop-api";
constexpr std::chrono::seconds kAnswerTimeout{10};

}  // namespace

http::Request MakeRequest(const std::string& method, const std::string& target,
                          std::string json_body) {
  http::Request r;
  r.method = method;
  r.target = target;
  const auto url = boost::urls::parse_uri_reference(target);
  if (!url) throw std::invalid_argument("not a request target: " + target);
  r.path = std::string(url->encoded_path());
  r.query = std::string(url->encoded_query());
  for (const auto& param : url->params()) r.query_params.emplace(param.key, param.value);
  if (!json_body.empty()) {
    r.headers.Set("Content-Type", "application/json");
    r.body = std::move(json_body);
  }
  r.remote_address = "127.0.0.1";
  return r;
}

boost::json::object BodyOf(const http::Response& response) {
  boost::json::error_code ec;
  auto value = boost::json::parse(response.body, ec);
  if (ec || !value.is_object()) return {};
  return std::move(value.as_object());
}

std::string ProblemCodeOf(const http::Response& response) {
  EXPECT_EQ(response.headers.Get("Content-Type").value_or(""), "application/problem+json");
  const auto body = BodyOf(response);
  if (!body.contains("code") || !body.at("code").is_string()) return "<no code>";
  EXPECT_EQ(body.at("status").as_int64(), response.status) << "problem status";
  EXPECT_EQ(body.at("type").as_string(),
            "https://livedrop.dev/problems/" + std::string(body.at("code").as_string()));
  return std::string(body.at("code").as_string());
}

http::Request GraphQLPost(const std::string& query, boost::json::object variables) {
  boost::json::object body{{"query", query}};
  if (!variables.empty()) body["variables"] = std::move(variables);
  return MakeRequest("POST", "/graphql", boost::json::serialize(body));
}

http::Request GraphQLGet(const std::string& query, const std::string& variables_json) {
  std::string target =
      "/graphql?query=" + boost::urls::encode(query, boost::urls::unreserved_chars);
  if (!variables_json.empty()) {
    target += "&variables=" + boost::urls::encode(variables_json, boost::urls::unreserved_chars);
  }
  return MakeRequest("GET", target);
}

std::vector<std::string> GraphQLErrorCodes(const boost::json::object& body) {
  std::vector<std::string> codes;
  const auto* errors = body.if_contains("errors");
  if (errors == nullptr || !errors->is_array()) return codes;
  for (const auto& error : errors->as_array()) {
    const auto* code = error.is_object() ? error.as_object().if_contains("extensions") : nullptr;
    code = code && code->is_object() ? code->as_object().if_contains("code") : nullptr;
    codes.push_back(code && code->is_string() ? std::string(code->as_string()) : "<no code>");
  }
  return codes;
}

google::protobuf::Timestamp At(const std::string& rfc3339) {
  const auto t = ParseRfc3339(rfc3339);
  if (!t) throw std::invalid_argument("not an RFC 3339 time: " + rfc3339);
  google::protobuf::Timestamp ts;
  rpc::SetTimestamp(*t, &ts);
  return ts;
}

struct RouteHarness::Pending {
  std::promise<http::Response> promise;
  std::shared_future<http::Response> future = promise.get_future().share();
};

struct RouteHarness::Impl {
  Impl(RouteHarness& services, const Options& options)
      : server({&services.auth, &services.drops, &services.images, &services.inventory,
                &services.followers, &services.notifications, &services.orders},
               {"livedrop-fakes", 8, std::chrono::milliseconds(200)}),
        auth(Channel<auth::v1::AuthService>(), options.upstream_timeout),
        drops(Channel<drops::v1::DropsService>(), options.upstream_timeout),
        images(Channel<drops::v1::ProductImagesService>(), options.upstream_timeout),
        inventory(Channel<inventory::v1::InventoryService>(), options.upstream_timeout),
        followers(Channel<followers::v1::FollowersService>(), options.upstream_timeout),
        notifications(Channel<notifications::v1::NotificationsService>(), options.upstream_timeout),
        orders(Channel<orders::v1::OrdersService>(), options.upstream_timeout),
        key(auth::SigningKey::Generate()),
        verifier(kIssuer, kAudience),
        drop_views(
            {options.drop_view_ttl.value_or(GatewayOptions{}.drop_view_ttl),
             options.drop_views.value_or(static_cast<std::size_t>(GatewayOptions{}.drop_views))}) {
    verifier.SetKeys({auth::PublicKey{key.kid, key.public_key}});
    // The registration main.cpp does, in the same order.
    AddAuthRoutes(table, auth);
    AddFollowRoutes(table, auth, followers);
    AddDropRoutes(table, drops, inventory, drop_views);
    AddImageRoutes(table, images);
    AddOrderRoutes(table, orders);
    AddNotificationRoutes(table, notifications);
    const GatewayOptions defaults;
    graphql::EngineOptions graphql_options;
    graphql_options.limits.max_depth =
        options.graphql_max_depth.value_or(defaults.graphql_max_depth);
    graphql_options.limits.max_aliases = defaults.graphql_max_aliases;
    graphql_options.limits.max_cost = options.graphql_max_cost.value_or(defaults.graphql_max_cost);
    graphql = MakeApiEngine(
        {auth, followers, drops, images, inventory, orders, notifications, &drop_views},
        graphql_options);
    documents = std::make_unique<DocumentCache>(graphql, defaults.graphql_documents);
    AddGraphQLRoutes(table, *graphql, *documents);
    AddOpsRoutes(table, [ready = options.ready] { return ready; });
    gateway = std::make_unique<Gateway>(table, verifier, nullptr);
  }

  template <class Service>
  std::shared_ptr<::grpc::Channel> Channel() const {
    return rpc::MakeChannel<Service>(server.Address());
  }

  std::string Token(const std::string& user_id, const std::string& role,
                    std::chrono::seconds lifetime) const {
    const auto now = Now();
    auth::Claims claims{
        user_id, role, kIssuer, "jti-" + user_id, now - std::chrono::minutes(10), now + lifetime,
        kAudience};
    return auth::SignJwt(claims, key);
  }

  livedrop::testing::InProcessServer server;
  AuthClient auth;
  DropsClient drops;
  ImagesClient images;
  InventoryClient inventory;
  FollowersClient followers;
  NotificationsClient notifications;
  OrdersClient orders;
  auth::SigningKey key;
  auth::JwtVerifier verifier;
  DropViewStore drop_views;
  std::shared_ptr<const graphql::Engine> graphql;
  std::unique_ptr<DocumentCache> documents;
  RouteTable table;
  std::unique_ptr<Gateway> gateway;
};

RouteHarness::RouteHarness() : RouteHarness(Options{}) {}

RouteHarness::RouteHarness(Options options) : impl_(std::make_unique<Impl>(*this, options)) {}

RouteHarness::~RouteHarness() {
  // A call's callback may still be releasing what it holds (a RouteCall, a GraphQL execution)
  // on a gRPC thread after the answer reached the test: let it finish before the gateway and
  // its clients go (destroying them under it was a rare abort in gRPC's ref counting).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (UnaryCallsInFlight().load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

DropViewStore& RouteHarness::drop_views() { return impl_->drop_views; }

std::string RouteHarness::TokenFor(const std::string& user_id, const std::string& role) const {
  return impl_->Token(user_id, role, std::chrono::minutes(15));
}

std::string RouteHarness::SignedToken(const std::string& payload_json) const {
  return auth::SignJwtPayload(payload_json, impl_->key);
}

std::string RouteHarness::ExpiredTokenFor(const std::string& user_id,
                                          const std::string& role) const {
  return impl_->Token(user_id, role, -std::chrono::minutes(5));
}

std::shared_ptr<RouteHarness::Pending> RouteHarness::Start(http::Request request) {
  auto pending = std::make_shared<Pending>();
  impl_->gateway->Handle(std::move(request), [pending](http::Response response) {
    pending->promise.set_value(std::move(response));
  });
  return pending;
}

std::optional<http::Response> RouteHarness::Wait(const std::shared_ptr<Pending>& pending,
                                                 std::chrono::milliseconds timeout) {
  if (pending->future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return pending->future.get();
}

bool RouteHarness::Answered(const std::shared_ptr<Pending>& pending) {
  return pending->future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

std::optional<http::Response> RouteHarness::Send(http::Request request) {
  return Wait(Start(std::move(request)), kAnswerTimeout);
}

std::optional<http::Response> RouteHarness::SendAs(const std::string& user_id,
                                                   const std::string& role, http::Request request) {
  request.headers.Set("Authorization", "Bearer " + TokenFor(user_id, role));
  return Send(std::move(request));
}

}  // namespace livedrop::gateway::fakes
