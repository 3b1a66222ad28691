#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "cache/drop_view_store.h"
#include "clients/auth_client.h"
#include "clients/drops_client.h"
#include "clients/images_client.h"
#include "clients/followers_client.h"
#include "clients/inventory_client.h"
#include "clients/notifications_client.h"
#include "clients/orders_client.h"
#include "livedrop/grpc/client.h"
#include "livedrop/testing/errors.h"
#include "routes/auth_routes.h"
#include "routes/drop_routes.h"
#include "routes/image_routes.h"
#include "routes/follow_routes.h"
#include "routes/notification_routes.h"
#include "routes/ops_routes.h"
#include "routes/order_routes.h"
#include "server/http_errors.h"
#include "server/json_body.h"
#include "server/key_refresher.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;

http::Request JsonRequest(std::string body) {
  http::Request r;
  r.method = "POST";
  r.body = std::move(body);
  r.headers.Set("Content-Type", "application/json");
  return r;
}

using testing::ErrorCodeOf;

TEST(HttpErrors, EveryKindMapsToItsStatus) {
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kInvalidArgument, "x", "")), 400);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kUnauthenticated, "x", "")), 401);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kPermissionDenied, "x", "")), 403);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kNotFound, "x", "")), 404);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kAlreadyExists, "x", "")), 409);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kAborted, "x", "")), 409);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kFailedPrecondition, "x", "")), 409);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kResourceExhausted, "x", "")), 429);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kUnavailable, "x", "")), 503);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kDeadlineExceeded, "x", "")), 504);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kInternal, "x", "")), 500);
}

TEST(HttpErrors, CodesWithTheirOwnHttpStatusOverrideTheKind) {
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kFailedPrecondition, "payment_declined", "")), 402);
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kFailedPrecondition, "idempotency_key_reused", "")),
            422);
}

TEST(HttpErrors, InternalProblemHidesTheDetail) {
  const auto response =
      ProblemFor(Error(ErrorKind::kInternal, "db_exploded", "password=hunter2"), "req-1");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("hunter2"), std::string::npos);
  const auto body = json::parse(response.body).as_object();
  EXPECT_EQ(body.at("code").as_string(), "internal");
  EXPECT_EQ(body.at("request_id").as_string(), "req-1");
}

TEST(JsonBody, MalformedJson_IsMalformedJson) {
  EXPECT_EQ(ErrorCodeOf([] { JsonBody::Parse(JsonRequest("{\"email\": ")); }), "malformed_json");
}

TEST(JsonBody, NonObject_IsValidationFailed) {
  EXPECT_EQ(ErrorCodeOf([] { JsonBody::Parse(JsonRequest("[1,2]")); }), "validation_failed");
}

TEST(JsonBody, WrongContentType_IsUnsupportedMediaType) {
  auto request = JsonRequest("{}");
  request.headers.Set("Content-Type", "text/plain");
  EXPECT_EQ(ErrorCodeOf([&] { JsonBody::Parse(request); }), "unsupported_media_type");
  EXPECT_EQ(HttpStatusFor(Error(ErrorKind::kInvalidArgument, "unsupported_media_type", "")), 415);
}

TEST(JsonBody, FieldRules_MissingWrongTypeAndOversized) {
  const auto body = JsonBody::Parse(JsonRequest(R"({"a": 5, "b": "xxxxxxxxxx", "n": 3})"));
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("missing"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("a"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("b", 5); }), "validation_failed");
  EXPECT_EQ(body.RequiredString("b"), "xxxxxxxxxx");
  EXPECT_EQ(body.RequiredInt("n"), 3);
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredInt("b"); }), "validation_failed");
}

TEST(JsonBody, ControlCharacters_AreValidationFailed_OnlyMultilineTextBreaksLines) {
  const auto body = JsonBody::Parse(JsonRequest(
      R"({"nul": "a\u0000b", "esc": "\u001b[31m", "nl": "a\nb", "c1": "a\u0085b",
          "urls": ["https://a.example/x", "https://b.example/y\u0000"]})"));
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("nul"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("esc"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("c1"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("nl"); }), "validation_failed");
  EXPECT_EQ(body.RequiredString("nl", 10, TextKind::kMultiline), "a\nb");
  EXPECT_EQ(ErrorCodeOf([&] { body.RequiredString("nul", 10, TextKind::kMultiline); }),
            "validation_failed");
  EXPECT_EQ(ErrorCodeOf([&] { body.OptionalStringArray("urls", 5, 100); }), "validation_failed");
}

// Every route the gateway serves is in /openapi.json, and the document names no route that
// does not exist.
TEST(OpenApi, DocumentListsExactlyTheRoutesThatExist) {
  AuthClient auth(rpc::MakeChannel<auth::v1::AuthService>("127.0.0.1:1"), std::chrono::seconds(1));
  FollowersClient followers(rpc::MakeChannel<followers::v1::FollowersService>("127.0.0.1:1"),
                            std::chrono::seconds(1));
  RouteTable table;
  AddAuthRoutes(table, auth);
  AddFollowRoutes(table, auth, followers);
  DropsClient drops(rpc::MakeChannel<drops::v1::DropsService>("127.0.0.1:1"),
                    std::chrono::seconds(1));
  InventoryClient inventory(rpc::MakeChannel<inventory::v1::InventoryService>("127.0.0.1:1"),
                            std::chrono::seconds(1));
  DropViewStore drop_views({});
  AddDropRoutes(table, drops, inventory, drop_views);
  ImagesClient images(rpc::MakeChannel<drops::v1::ProductImagesService>("127.0.0.1:1"),
                      std::chrono::seconds(1));
  AddImageRoutes(table, images);
  OrdersClient orders(rpc::MakeChannel<orders::v1::OrdersService>("127.0.0.1:1"),
                      std::chrono::seconds(1));
  AddOrderRoutes(table, orders);
  NotificationsClient notifications(
      rpc::MakeChannel<notifications::v1::NotificationsService>("127.0.0.1:1"),
      std::chrono::seconds(1));
  AddNotificationRoutes(table, notifications);
  AddOpsRoutes(table, [] { return true; });
  std::set<std::string> served;
  for (const auto& r : table.routes()) {
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(c));
    served.insert(method + " " + r.pattern);
  }
  served.insert("get /v1/ws");  // the WebSocket upgrade, served by ws/notification_sockets
  std::set<std::string> documented;
  const auto doc = json::parse(OpenApiDocument()).as_object();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [key, op] : item.as_object()) {
      const std::string method(key);
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.insert(method + " " + std::string(path));
    }
  }
  EXPECT_EQ(served, documented);
}

// Two auth instances mid-rotation: one already publishes the next key, the other still shows
// the one being retired. The gateway trusts both keys, whichever instance answered last.
TEST(MergeKeySets, InstancesThatDisagree_TheUnionOfTheirKeys) {
  const auth::PublicKey current{"k-current", std::string(32, 'c')};
  const auth::PublicKey next{"k-next", std::string(32, 'n')};
  const auth::PublicKey old{"k-old", std::string(32, 'o')};
  const auto merged = MergeKeySets({std::vector<auth::PublicKey>{next, current},
                                    std::vector<auth::PublicKey>{current, old}});
  std::set<std::string> kids;
  for (const auto& k : merged) kids.insert(k.kid);
  EXPECT_EQ(kids, (std::set<std::string>{"k-current", "k-next", "k-old"}));
  EXPECT_EQ(merged.size(), 3u);  // a key both publish is there once
}

TEST(MergeKeySets, ASourceThatNeverAnswered_TakesNothingAway) {
  const auth::PublicKey current{"k-current", std::string(32, 'c')};
  const auto merged = MergeKeySets({std::nullopt, std::vector<auth::PublicKey>{current}});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].kid, "k-current");
  EXPECT_TRUE(MergeKeySets({std::nullopt, std::nullopt}).empty());
}

}  // namespace
}  // namespace livedrop::gateway
