#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_services.h"
#include "livedrop/http/message.h"

namespace livedrop::gateway {
class DropViewStore;
}

namespace livedrop::gateway::fakes {

// A request as the HTTP server hands it to the gateway: the target split into path and
// query, the query parameters decoded.
http::Request MakeRequest(const std::string& method, const std::string& target,
                          std::string json_body = "");

// The response body parsed as a JSON object (an empty object if it is not one).
boost::json::object BodyOf(const http::Response& response);

// The `code` of an application/problem+json answer; also checks (as test failures) that it is
// one: the content type, `status` equal to the HTTP status, `type` naming the code.
std::string ProblemCodeOf(const http::Response& response);

// POST /graphql, application/json {query[, variables]}.
http::Request GraphQLPost(const std::string& query, boost::json::object variables = {});
// GET /graphql?query=...[&variables=...], percent-encoded as a client sends it.
http::Request GraphQLGet(const std::string& query, const std::string& variables_json = "");
// The extensions.code of each error of a GraphQL response, in order.
std::vector<std::string> GraphQLErrorCodes(const boost::json::object& body);

// A proto timestamp from RFC 3339 text ("2026-12-01T18:00:00Z").
google::protobuf::Timestamp At(const std::string& rfc3339);

// The gateway as main.cpp builds it (every routes/ module registered in one RouteTable, the
// GraphQL API among them, wrapped by Gateway) with its real clients pointed at the fakes, served
// in-process on 127.0.0.1:0. Access tokens are signed with a key of the harness's own.
class RouteHarness {
 public:
  struct Options {
    std::chrono::milliseconds upstream_timeout{5000};
    bool ready = true;  // what /readyz is told
    // The GraphQL limits as main.cpp reads them from GatewayOptions; unset, their defaults.
    std::optional<int> graphql_max_depth;
    std::optional<int> graphql_max_cost;
    // The drop view store's, as main.cpp reads them from GatewayOptions; unset, their defaults.
    std::optional<std::chrono::milliseconds> drop_view_ttl;
    std::optional<std::size_t> drop_views;
  };
  RouteHarness();
  explicit RouteHarness(Options options);
  ~RouteHarness();

  FakeAuth auth;
  FakeDrops drops;
  FakeImages images;
  FakeInventory inventory;
  FakeFollowers followers;
  FakeNotifications notifications;
  FakeOrders orders;

  // The gateway's memory of hot drops (what its Kafka feed would update).
  DropViewStore& drop_views();

  // A valid access token for `user_id` with `role` ("buyer" | "creator"), or an expired one.
  std::string TokenFor(const std::string& user_id, const std::string& role) const;
  std::string ExpiredTokenFor(const std::string& user_id, const std::string& role) const;
  // Any payload (a JSON object), signed with the key the gateway trusts: claims a real issuer
  // never writes. The gateway expects iss "livedrop-test" and aud "livedrop-api".
  std::string SignedToken(const std::string& payload_json) const;

  // Sends the request through the gateway and waits (bounded) for its answer; nullopt if none
  // came in time.
  std::optional<http::Response> Send(http::Request request);
  // The same as `user_id` with `role`, through Authorization: Bearer.
  std::optional<http::Response> SendAs(const std::string& user_id, const std::string& role,
                                       http::Request request);

  // Starts the request and returns at once: for tests that hold a fake's answer.
  struct Pending;
  std::shared_ptr<Pending> Start(http::Request request);
  static std::optional<http::Response> Wait(const std::shared_ptr<Pending>& pending,
                                            std::chrono::milliseconds timeout);
  static bool Answered(const std::shared_ptr<Pending>& pending);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::gateway::fakes
