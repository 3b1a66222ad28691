// The GraphQL API (gateway/graphql_api) driven through the real Gateway, routes and clients,
// against fake services: what each query and mutation asks the services, how the loaders batch
// those asks, and what the client gets back.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "livedrop/core/paging.h"
#include "livedrop/grpc/reason.h"
#include "route_harness.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;
using fakes::At;
using fakes::BodyOf;
using fakes::GraphQLErrorCodes;
using fakes::GraphQLPost;
using fakes::MakeRequest;
using fakes::ProblemCodeOf;
using fakes::RouteHarness;

constexpr char kCreator[] = "11111111-1111-4111-8111-111111111111";
constexpr char kBuyer[] = "22222222-2222-4222-8222-222222222222";
constexpr char kCreatorEmail[] = "maker-secret@example.com";

std::string CreatorId(int i) { return "creator-" + std::to_string(i); }
std::string DropId(int i) { return "drop-" + std::to_string(i); }

auth::v1::User SampleUser(const std::string& id, auth::v1::Role role) {
  auth::v1::User u;
  u.set_id(id);
  u.set_email(role == auth::v1::ROLE_CREATOR ? kCreatorEmail : "buyer@example.com");
  u.set_display_name(role == auth::v1::ROLE_CREATOR ? "Maker " + id : "Buyer");
  u.set_role(role);
  *u.mutable_created_at() = At("2026-11-01T08:00:00Z");
  return u;
}

drops::v1::Product SampleProduct(const std::string& id = "prod-1",
                                 const std::string& creator = kCreator) {
  drops::v1::Product p;
  p.set_id(id);
  p.set_creator_id(creator);
  p.set_title("Hoodie");
  p.set_description("warm");
  p.mutable_price()->set_unit_amount(4999);
  p.mutable_price()->set_currency("EUR");
  p.add_image_urls("https://img.example/1.png");
  *p.mutable_created_at() = At("2026-11-20T08:00:00Z");
  return p;
}

drops::v1::Drop SampleDrop(const std::string& id = "drop-1", const std::string& creator = kCreator,
                           const std::string& product = "prod-1") {
  drops::v1::Drop d;
  d.set_id(id);
  d.set_creator_id(creator);
  d.set_product_id(product);
  *d.mutable_starts_at() = At("2026-12-01T18:00:00Z");
  *d.mutable_ends_at() = At("2026-12-01T19:30:00.250Z");
  d.set_quantity(100);
  d.set_per_buyer_limit(2);
  d.set_status(drops::v1::DROP_STATUS_LIVE);
  d.set_available(40);
  return d;
}

orders::v1::Order SampleOrder() {
  orders::v1::Order o;
  o.set_id("order-1");
  o.set_buyer_id(kBuyer);
  o.set_drop_id("drop-1");
  o.set_quantity(2);
  o.set_amount(9998);
  o.set_currency("EUR");
  o.set_status(orders::v1::ORDER_STATUS_CONFIRMED);
  *o.mutable_created_at() = At("2026-12-01T18:00:01.5Z");
  return o;
}

auth::v1::TokenPair SampleTokens() {
  auth::v1::TokenPair t;
  t.set_access_token("access-1");
  t.set_refresh_token("refresh-1");
  t.set_expires_in(900);
  t.set_token_type("Bearer");
  return t;
}

// Batch fakes that answer, as the services do, only the ids they know among those asked for.
void ServeUsers(RouteHarness& h, std::vector<auth::v1::User> users) {
  h.auth.get_users.AnswerWith([users](const auth::v1::GetUsersRequest& req) {
    auth::v1::GetUsersResponse resp;
    for (const auto& id : req.ids()) {
      for (const auto& u : users) {
        if (u.id() == id) *resp.add_users() = u;
      }
    }
    return resp;
  });
}

void ServeDrops(RouteHarness& h, std::vector<drops::v1::Drop> drops) {
  h.drops.get_drops.AnswerWith([drops](const drops::v1::GetDropsRequest& req) {
    drops::v1::GetDropsResponse resp;
    for (const auto& id : req.ids()) {
      for (const auto& d : drops) {
        if (d.id() == id) *resp.add_drops() = d;
      }
    }
    return resp;
  });
}

void ServeProducts(RouteHarness& h, std::vector<drops::v1::Product> products) {
  h.drops.get_products.AnswerWith([products](const drops::v1::GetProductsRequest& req) {
    drops::v1::GetProductsResponse resp;
    for (const auto& id : req.ids()) {
      for (const auto& p : products) {
        if (p.id() == id) *resp.add_products() = p;
      }
    }
    return resp;
  });
}

// Every drop asked for has `available` units left.
void ServeStocks(RouteHarness& h, int available) {
  h.inventory.get_stocks.AnswerWith([available](const inventory::v1::GetStocksRequest& req) {
    inventory::v1::GetStocksResponse resp;
    for (const auto& id : req.drop_ids()) {
      auto* s = resp.add_stocks();
      s->set_drop_id(id);
      s->set_total(100);
      s->set_available(available);
    }
    return resp;
  });
}

// Every user asked for has 10 followers and follows 3.
void ServeCounts(RouteHarness& h) {
  h.followers.batch_get_counts.AnswerWith([](const followers::v1::BatchGetCountsRequest& req) {
    followers::v1::BatchGetCountsResponse resp;
    for (const auto& id : req.user_ids()) {
      auto* c = resp.add_counts();
      c->set_user_id(id);
      c->set_follower_count(10);
      c->set_following_count(3);
    }
    return resp;
  });
}

// A page of `n` drops by `creators` creators (drop i by creator i % creators, product i).
drops::v1::ListDropsResponse DropsPage(int n, int creators) {
  drops::v1::ListDropsResponse page;
  for (int i = 0; i < n; ++i) {
    *page.add_items() = SampleDrop(DropId(i), CreatorId(i % creators), "prod-" + std::to_string(i));
    page.add_cursors("cursor-" + std::to_string(i));
  }
  page.set_next_cursor("cursor-" + std::to_string(n - 1));
  return page;
}

// The response's body, checked to be a 200 GraphQL answer.
json::object Answered(const std::optional<http::Response>& response) {
  EXPECT_TRUE(response) << "no answer";
  if (!response) return {};
  EXPECT_EQ(response->status, 200) << response->body;
  return BodyOf(*response);
}

const json::value& DataOf(const json::object& body) {
  static const json::value kNone;
  const auto* data = body.if_contains("data");
  return data ? *data : kNone;
}

std::set<std::string> Set(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

// The method saw a REST request, then a GraphQL one: the two must be the same.
template <class Method>
void ExpectSameRequestTwice(const Method& method) {
  const auto requests = method.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].ShortDebugString(), requests[0].ShortDebugString());
}

using Codes = std::vector<std::string>;

// --- drop(id) ----------------------------------------------------------------------------------

TEST(GraphQLDrop, ById_AnswersProductCreatorAndLiveStockThroughTheBatchReads) {
  RouteHarness h;
  ServeDrops(h, {SampleDrop()});
  ServeProducts(h, {SampleProduct()});
  ServeUsers(h, {SampleUser(kCreator, auth::v1::ROLE_CREATOR)});
  ServeStocks(h, 7);
  const auto body = Answered(h.Send(GraphQLPost(
      R"({ drop(id: "drop-1") { id status startsAt endsAt quantity perBuyerLimit available
             product { id title unitAmount currency imageUrls }
             creator { id displayName } } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  const auto& drop = DataOf(body).at("drop").as_object();
  EXPECT_EQ(drop.at("id").as_string(), "drop-1");
  EXPECT_EQ(drop.at("status").as_string(), "LIVE");
  EXPECT_EQ(drop.at("startsAt").as_string(), "2026-12-01T18:00:00.000Z");
  EXPECT_EQ(drop.at("endsAt").as_string(), "2026-12-01T19:30:00.250Z");
  EXPECT_EQ(drop.at("quantity").as_int64(), 100);
  EXPECT_EQ(drop.at("perBuyerLimit").as_int64(), 2);
  EXPECT_EQ(drop.at("available").as_int64(), 7);  // inventory's, not drops' 40
  EXPECT_EQ(drop.at("product").at("title").as_string(), "Hoodie");
  EXPECT_EQ(drop.at("product").at("unitAmount").as_int64(), 4999);
  EXPECT_EQ(drop.at("product").at("imageUrls").as_array().size(), 1u);
  EXPECT_EQ(drop.at("creator").at("id").as_string(), kCreator);
  EXPECT_EQ(drop.at("creator").at("displayName").as_string(), std::string("Maker ") + kCreator);

  EXPECT_EQ(Set(h.drops.get_drops.last().ids()), std::set<std::string>{"drop-1"});
  EXPECT_EQ(Set(h.drops.get_products.last().ids()), std::set<std::string>{"prod-1"});
  EXPECT_EQ(Set(h.auth.get_users.last().ids()), std::set<std::string>{kCreator});
  EXPECT_EQ(Set(h.inventory.get_stocks.last().drop_ids()), std::set<std::string>{"drop-1"});
  EXPECT_EQ(h.drops.get_drop.calls(), 0);
  EXPECT_EQ(h.inventory.get_stock.calls(), 0);
}

TEST(GraphQLDrop, InventoryFails_AvailableIsDropsOwnAndNoError) {
  RouteHarness h;
  ServeDrops(h, {SampleDrop()});
  h.inventory.get_stocks.Fail(Error(ErrorKind::kInternal, "internal", "db down"));
  const auto body = Answered(h.Send(GraphQLPost(R"({ drop(id: "drop-1") { id available } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(DataOf(body).at("drop").at("available").as_int64(), 40);
  EXPECT_EQ(h.inventory.get_stocks.calls(), 1);
}

TEST(GraphQLDrop, StockUnknownToInventory_AvailableIsDropsOwn) {
  RouteHarness h;
  ServeDrops(h, {SampleDrop()});  // get_stocks answers no stocks at all
  const auto body = Answered(h.Send(GraphQLPost(R"({ drop(id: "drop-1") { available } })")));
  EXPECT_EQ(DataOf(body).at("drop").at("available").as_int64(), 40);
}

TEST(GraphQLDrop, Unknown_IsNullWithoutError) {
  RouteHarness h;
  ServeDrops(h, {});
  const auto body = Answered(h.Send(GraphQLPost(R"({ drop(id: "nope") { id available } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_TRUE(DataOf(body).at("drop").is_null());
  EXPECT_EQ(h.inventory.get_stocks.calls(), 0);
}

TEST(GraphQLDrop, DropsFails_IsAnErrorWithTheServicesCode) {
  RouteHarness h;
  h.drops.get_drops.Fail(Error(ErrorKind::kInternal, "internal", "db down"));
  const auto body = Answered(h.Send(GraphQLPost(R"({ drop(id: "drop-1") { id } })")));
  EXPECT_TRUE(DataOf(body).at("drop").is_null());
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"internal"});
  EXPECT_EQ(json::serialize(body).find("db down"), std::string::npos);
}

TEST(GraphQLProduct, ById_AsksGetProductsAndAnswersItsCreator) {
  RouteHarness h;
  ServeProducts(h, {SampleProduct()});
  ServeUsers(h, {SampleUser(kCreator, auth::v1::ROLE_CREATOR)});
  const auto body = Answered(h.Send(GraphQLPost(
      R"({ product(id: "prod-1") { id creatorId description createdAt creator { id } } })")));
  const auto& product = DataOf(body).at("product");
  EXPECT_EQ(product.at("description").as_string(), "warm");
  EXPECT_EQ(product.at("createdAt").as_string(), "2026-11-20T08:00:00.000Z");
  EXPECT_EQ(product.at("creator").at("id").as_string(), kCreator);
  EXPECT_EQ(h.drops.get_product.calls(), 0);
}

// --- drops(status, creatorId, first, after) ------------------------------------------------------

TEST(GraphQLDrops, Arguments_AreListDropsStatusCreatorLimitAndCursor) {
  RouteHarness h;
  Answered(h.Send(GraphQLPost(std::string(R"({ drops(status: SOLD_OUT, creatorId: ")") + kCreator +
                              R"(", first: 2, after: "cursor-9") { edges { cursor } } })")));
  ASSERT_EQ(h.drops.list_drops.calls(), 1);
  const auto req = h.drops.list_drops.last();
  EXPECT_EQ(req.status(), drops::v1::DROP_STATUS_SOLD_OUT);
  EXPECT_EQ(req.creator_id(), kCreator);
  EXPECT_EQ(req.limit(), 2);
  EXPECT_EQ(req.cursor(), "cursor-9");
}

TEST(GraphQLDrops, NoArguments_FirstDefaultsTo50AndNoFilter) {
  RouteHarness h;
  Answered(h.Send(GraphQLPost("{ drops { edges { cursor } } }")));
  const auto req = h.drops.list_drops.last();
  EXPECT_EQ(req.status(), drops::v1::DROP_STATUS_UNSPECIFIED);
  EXPECT_EQ(req.creator_id(), "");
  EXPECT_EQ(req.limit(), 50);
  EXPECT_EQ(req.cursor(), "");
}

TEST(GraphQLDrops, EveryStatus_MapsToTheServicesValue) {
  const std::pair<const char*, drops::v1::DropStatus> cases[] = {
      {"SCHEDULED", drops::v1::DROP_STATUS_SCHEDULED}, {"LIVE", drops::v1::DROP_STATUS_LIVE},
      {"SOLD_OUT", drops::v1::DROP_STATUS_SOLD_OUT},   {"ENDED", drops::v1::DROP_STATUS_ENDED},
      {"CANCELLED", drops::v1::DROP_STATUS_CANCELLED},
  };
  RouteHarness h;
  for (const auto& [name, status] : cases) {
    const auto body = Answered(h.Send(GraphQLPost(
        "query($s: DropStatus) { drops(status: $s) { edges { cursor } } }", {{"s", name}})));
    EXPECT_FALSE(body.contains("errors")) << name << ": " << json::serialize(body);
    EXPECT_EQ(h.drops.list_drops.last().status(), status) << name;
  }
}

TEST(GraphQLDrops, Page_IsARelayConnectionWithACursorPerEdge) {
  RouteHarness h;
  drops::v1::ListDropsResponse page;
  *page.add_items() = SampleDrop("drop-1");
  *page.add_items() = SampleDrop("drop-2");
  page.add_cursors("c-1");
  page.add_cursors("c-2");
  page.set_next_cursor("c-2");
  h.drops.list_drops.Answer(page);
  ServeStocks(h, 5);
  const auto body = Answered(
      h.Send(GraphQLPost("{ drops(first: 2) { edges { cursor node { id status available } } "
                         "pageInfo { hasNextPage endCursor } } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  const auto& drops = DataOf(body).at("drops");
  const auto& edges = drops.at("edges").as_array();
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_EQ(edges[0].at("cursor").as_string(), "c-1");
  EXPECT_EQ(edges[0].at("node").at("id").as_string(), "drop-1");
  EXPECT_EQ(edges[0].at("node").at("status").as_string(), "LIVE");
  EXPECT_EQ(edges[0].at("node").at("available").as_int64(), 5);
  EXPECT_EQ(edges[1].at("cursor").as_string(), "c-2");
  EXPECT_EQ(edges[1].at("node").at("id").as_string(), "drop-2");
  EXPECT_EQ(drops.at("pageInfo").at("hasNextPage").as_bool(), true);
  EXPECT_EQ(drops.at("pageInfo").at("endCursor").as_string(), "c-2");
}

TEST(GraphQLDrops, LastPage_HasNoNextPage) {
  RouteHarness h;
  drops::v1::ListDropsResponse page;
  *page.add_items() = SampleDrop("drop-1");
  page.add_cursors("c-1");
  h.drops.list_drops.Answer(page);
  const auto body =
      Answered(h.Send(GraphQLPost("{ drops { pageInfo { hasNextPage endCursor } } }")));
  EXPECT_EQ(DataOf(body).at("drops").at("pageInfo").at("hasNextPage").as_bool(), false);
  EXPECT_EQ(DataOf(body).at("drops").at("pageInfo").at("endCursor").as_string(), "c-1");
}

TEST(GraphQLDrops, EmptyPage_EndCursorIsNull) {
  RouteHarness h;
  const auto body = Answered(
      h.Send(GraphQLPost("{ drops { edges { cursor } pageInfo { hasNextPage endCursor } } }")));
  EXPECT_TRUE(DataOf(body).at("drops").at("edges").as_array().empty());
  EXPECT_TRUE(DataOf(body).at("drops").at("pageInfo").at("endCursor").is_null());
}

TEST(GraphQLDrops, FirstOutOfRange_IsValidationFailedWithoutAskingDrops) {
  RouteHarness h;
  for (const char* first : {"0", "201", "-1"}) {
    const auto body = Answered(
        h.Send(GraphQLPost(std::string("{ drops(first: ") + first + ") { edges { cursor } } }")));
    EXPECT_EQ(GraphQLErrorCodes(body), Codes{"validation_failed"}) << first;
    EXPECT_TRUE(DataOf(body).is_null()) << first;  // drops is non-null: data goes null
  }
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(GraphQLDrops, AfterOver256Bytes_IsValidationFailed) {
  RouteHarness h;
  const auto body =
      Answered(h.Send(GraphQLPost("query($a: String) { drops(after: $a) { edges { cursor } } }",
                                  {{"a", std::string(257, 'c')}})));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"validation_failed"});
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

// --- batching --------------------------------------------------------------------------------

TEST(GraphQLBatching, PageOf50DropsBy7Creators_OneCallPerBatchReadAndNoSingleGets) {
  RouteHarness h;
  h.drops.list_drops.Answer(DropsPage(50, 7));
  std::vector<auth::v1::User> creators;
  for (int i = 0; i < 7; ++i) creators.push_back(SampleUser(CreatorId(i), auth::v1::ROLE_CREATOR));
  ServeUsers(h, creators);
  std::vector<drops::v1::Product> products;
  for (int i = 0; i < 50; ++i) {
    products.push_back(SampleProduct("prod-" + std::to_string(i), CreatorId(i % 7)));
  }
  ServeProducts(h, products);
  ServeStocks(h, 3);
  ServeCounts(h);
  const auto body = Answered(
      h.Send(GraphQLPost("{ drops(first: 50) { edges { node { id available product { title } "
                         "creator { id displayName followerCount followingCount } } } } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  const auto& edges = DataOf(body).at("drops").at("edges").as_array();
  ASSERT_EQ(edges.size(), 50u);
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto& node = edges[i].at("node");
    EXPECT_EQ(node.at("available").as_int64(), 3);
    EXPECT_EQ(node.at("product").at("title").as_string(), "Hoodie");
    EXPECT_EQ(node.at("creator").at("id").as_string(), CreatorId(static_cast<int>(i) % 7));
    EXPECT_EQ(node.at("creator").at("followerCount").as_int64(), 10);
  }

  ASSERT_EQ(h.auth.get_users.calls(), 1);
  const auto users = h.auth.get_users.last();
  EXPECT_EQ(users.ids_size(), 7);  // distinct: each creator once
  std::set<std::string> expected_creators;
  for (int i = 0; i < 7; ++i) expected_creators.insert(CreatorId(i));
  EXPECT_EQ(Set(users.ids()), expected_creators);
  ASSERT_EQ(h.followers.batch_get_counts.calls(), 1);
  EXPECT_EQ(Set(h.followers.batch_get_counts.last().user_ids()), expected_creators);
  ASSERT_EQ(h.inventory.get_stocks.calls(), 1);
  EXPECT_EQ(h.inventory.get_stocks.last().drop_ids_size(), 50);
  ASSERT_EQ(h.drops.get_products.calls(), 1);
  EXPECT_EQ(h.drops.get_products.last().ids_size(), 50);

  EXPECT_EQ(h.auth.get_user.calls(), 0);
  EXPECT_EQ(h.followers.get_counts.calls(), 0);
  EXPECT_EQ(h.inventory.get_stock.calls(), 0);
  EXPECT_EQ(h.drops.get_product.calls(), 0);
  EXPECT_EQ(h.drops.get_drop.calls(), 0);
  EXPECT_EQ(h.drops.get_drops.calls(), 0);
}

TEST(GraphQLBatching, CountsNotAsked_BatchGetCountsNotCalled) {
  RouteHarness h;
  h.drops.list_drops.Answer(DropsPage(10, 3));
  ServeUsers(h, {SampleUser(CreatorId(0), auth::v1::ROLE_CREATOR)});
  Answered(h.Send(GraphQLPost("{ drops { edges { node { creator { displayName } } } } }")));
  EXPECT_EQ(h.auth.get_users.calls(), 1);
  EXPECT_EQ(h.followers.batch_get_counts.calls(), 0);
  EXPECT_EQ(h.inventory.get_stocks.calls(), 0);
}

TEST(GraphQLBatching, PageOf150Drops_GetStocksInTwoCallsOfAtMost100) {
  RouteHarness h;
  h.drops.list_drops.Answer(DropsPage(150, 7));
  ServeStocks(h, 4);
  const auto body =
      Answered(h.Send(GraphQLPost("{ drops(first: 150) { edges { node { id available } } } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  const auto& edges = DataOf(body).at("drops").at("edges").as_array();
  ASSERT_EQ(edges.size(), 150u);
  for (const auto& edge : edges) EXPECT_EQ(edge.at("node").at("available").as_int64(), 4);

  const auto calls = h.inventory.get_stocks.requests();
  ASSERT_EQ(calls.size(), 2u);
  std::set<std::string> asked;
  for (const auto& call : calls) {
    EXPECT_LE(call.drop_ids_size(), 100);
    asked.insert(call.drop_ids().begin(), call.drop_ids().end());
  }
  std::set<std::string> all;
  for (int i = 0; i < 150; ++i) all.insert(DropId(i));
  EXPECT_EQ(asked, all);
  EXPECT_EQ(calls[0].drop_ids_size() + calls[1].drop_ids_size(), 150);  // none asked twice
  EXPECT_EQ(h.inventory.get_stock.calls(), 0);
}

TEST(GraphQLBatching, GetStocksFails_EveryDropOfThePageKeepsDropsOwnAvailable) {
  RouteHarness h;
  h.drops.list_drops.Answer(DropsPage(150, 7));
  h.inventory.get_stocks.Fail(Error(ErrorKind::kInternal, "internal", "db down"));
  const auto body =
      Answered(h.Send(GraphQLPost("{ drops(first: 150) { edges { node { available } } } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  for (const auto& edge : DataOf(body).at("drops").at("edges").as_array()) {
    EXPECT_EQ(edge.at("node").at("available").as_int64(), 40);
  }
}

TEST(GraphQLBatching, OrdersPage_DropsOfTheOrdersInOneGetDrops) {
  RouteHarness h;
  orders::v1::ListOrdersResponse page;
  for (int i = 0; i < 5; ++i) {
    auto order = SampleOrder();
    order.set_id("order-" + std::to_string(i));
    order.set_drop_id(DropId(i % 2));
    *page.add_items() = order;
    page.add_cursors("o-" + std::to_string(i));
  }
  h.orders.list_orders.Answer(page);
  ServeDrops(h, {SampleDrop(DropId(0)), SampleDrop(DropId(1))});
  const auto body = Answered(
      h.SendAs(kBuyer, "buyer", GraphQLPost("{ myOrders { edges { node { drop { id } } } } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ASSERT_EQ(h.drops.get_drops.calls(), 1);
  EXPECT_EQ(Set(h.drops.get_drops.last().ids()), (std::set<std::string>{DropId(0), DropId(1)}));
  EXPECT_EQ(h.drops.get_drops.last().ids_size(), 2);
  EXPECT_EQ(h.drops.get_drop.calls(), 0);
}

TEST(GraphQLBatching, AliasedDrops_OneGetDropsWithEachIdOnce) {
  RouteHarness h;
  ServeDrops(h, {SampleDrop("drop-1"), SampleDrop("drop-2")});
  const auto body = Answered(h.Send(GraphQLPost(
      R"({ a: drop(id: "drop-1") { id } b: drop(id: "drop-2") { id } c: drop(id: "drop-1") { id } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(DataOf(body).at("c").at("id").as_string(), "drop-1");
  ASSERT_EQ(h.drops.get_drops.calls(), 1);
  EXPECT_EQ(h.drops.get_drops.last().ids_size(), 2);
  EXPECT_EQ(Set(h.drops.get_drops.last().ids()), (std::set<std::string>{"drop-1", "drop-2"}));
}

TEST(GraphQLBatching, PageOf200Drops_StocksInTwoCallsAndUsersInOne) {
  RouteHarness h;
  h.drops.list_drops.Answer(DropsPage(200, 200));
  std::vector<auth::v1::User> creators;
  for (int i = 0; i < 200; ++i) {
    creators.push_back(SampleUser(CreatorId(i), auth::v1::ROLE_CREATOR));
  }
  ServeUsers(h, creators);
  ServeStocks(h, 1);
  const auto body = Answered(
      h.Send(GraphQLPost("{ drops(first: 200) { edges { node { available creator { id } } } } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(h.inventory.get_stocks.calls(), 2);
  ASSERT_EQ(h.auth.get_users.calls(), 1);  // GetUsers takes up to 200 ids
  EXPECT_EQ(h.auth.get_users.last().ids_size(), 200);
}

// --- creator(id), followers ------------------------------------------------------------------

TEST(GraphQLCreator, ById_ProfileWithCountsFromTheBatchReads) {
  RouteHarness h;
  ServeUsers(h, {SampleUser(kCreator, auth::v1::ROLE_CREATOR)});
  ServeCounts(h);
  const auto response =
      h.Send(GraphQLPost(std::string(R"({ creator(id: ")") + kCreator +
                         R"(") { id displayName followerCount followingCount } })"));
  const auto body = Answered(response);
  const auto& creator = DataOf(body).at("creator");
  EXPECT_EQ(creator.at("id").as_string(), kCreator);
  EXPECT_EQ(creator.at("followerCount").as_int64(), 10);
  EXPECT_EQ(creator.at("followingCount").as_int64(), 3);
  EXPECT_EQ(Set(h.auth.get_users.last().ids()), std::set<std::string>{kCreator});
  EXPECT_EQ(Set(h.followers.batch_get_counts.last().user_ids()), std::set<std::string>{kCreator});
  EXPECT_EQ(response->body.find(kCreatorEmail), std::string::npos);
}

TEST(GraphQLCreator, UserWhoIsNotACreator_IsNull) {
  RouteHarness h;
  ServeUsers(h, {SampleUser(kBuyer, auth::v1::ROLE_BUYER)});
  const auto body = Answered(h.Send(
      GraphQLPost(std::string(R"({ creator(id: ")") + kBuyer + R"(") { id displayName } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_TRUE(DataOf(body).at("creator").is_null());
}

TEST(GraphQLCreator, UnknownUser_IsNull) {
  RouteHarness h;
  ServeUsers(h, {});
  const auto body = Answered(h.Send(GraphQLPost(R"({ creator(id: "nobody") { id } })")));
  EXPECT_TRUE(DataOf(body).at("creator").is_null());
}

TEST(GraphQLCreator, Email_IsNotAFieldAndNoServiceIsAsked) {
  RouteHarness h;
  ServeUsers(h, {SampleUser(kCreator, auth::v1::ROLE_CREATOR)});
  const auto response =
      h.Send(GraphQLPost(std::string(R"({ creator(id: ")") + kCreator + R"(") { email } })"));
  const auto body = Answered(response);
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"GRAPHQL_VALIDATION_FAILED"});
  EXPECT_EQ(h.auth.get_users.calls(), 0);
  // Nor through a drop's creator, nor with __typename tricks on the profile.
  ServeDrops(h, {SampleDrop()});
  const auto via_drop = h.Send(GraphQLPost(
      R"({ drop(id: "drop-1") { creator { __typename id displayName } product { creator { id } } } })"));
  ASSERT_TRUE(via_drop);
  EXPECT_EQ(via_drop->body.find(kCreatorEmail), std::string::npos) << via_drop->body;
  EXPECT_EQ(via_drop->body.find("email"), std::string::npos) << via_drop->body;
}

TEST(GraphQLCreator, Followers_MapToListFollowersWithACursorPerEdge) {
  RouteHarness h;
  ServeUsers(h, {SampleUser(kCreator, auth::v1::ROLE_CREATOR)});
  followers::v1::ListFollowersResponse page;
  auto* f = page.add_items();
  f->set_follower_id(kBuyer);
  f->set_creator_id(kCreator);
  *f->mutable_since() = At("2026-11-02T10:00:00Z");
  page.add_cursors("f-1");
  page.set_next_cursor("f-1");
  h.followers.list_followers.Answer(page);
  const auto body = Answered(h.Send(
      GraphQLPost(std::string(R"({ creator(id: ")") + kCreator +
                  R"(") { followers(first: 5, after: "f-0") { edges { cursor node { userId since } }
               pageInfo { hasNextPage endCursor } } } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  const auto req = h.followers.list_followers.last();
  EXPECT_EQ(req.creator_id(), kCreator);
  EXPECT_EQ(req.limit(), 5);
  EXPECT_EQ(req.cursor(), "f-0");
  const auto& followers = DataOf(body).at("creator").at("followers");
  const auto& edge = followers.at("edges").as_array().at(0);
  EXPECT_EQ(edge.at("cursor").as_string(), "f-1");
  EXPECT_EQ(edge.at("node").at("userId").as_string(), kBuyer);
  EXPECT_EQ(edge.at("node").at("since").as_string(), "2026-11-02T10:00:00.000Z");
  EXPECT_TRUE(followers.at("pageInfo").at("hasNextPage").as_bool());
}

// --- me, order, myOrders, notifications --------------------------------------------------------

TEST(GraphQLMe, WithToken_AsksGetUserForTheCaller) {
  RouteHarness h;
  auth::v1::GetUserResponse user;
  *user.mutable_user() = SampleUser(kBuyer, auth::v1::ROLE_BUYER);
  h.auth.get_user.Answer(user);
  const auto body = Answered(
      h.SendAs(kBuyer, "buyer", GraphQLPost("{ me { id email displayName role createdAt } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(h.auth.get_user.last().id(), kBuyer);
  const auto& me = DataOf(body).at("me");
  EXPECT_EQ(me.at("email").as_string(), "buyer@example.com");
  EXPECT_EQ(me.at("role").as_string(), "BUYER");
  EXPECT_EQ(me.at("createdAt").as_string(), "2026-11-01T08:00:00.000Z");
}

TEST(GraphQLOrder, Own_AsksGetOrderForTheCallerWithItsDrop) {
  RouteHarness h;
  orders::v1::GetOrderResponse order;
  *order.mutable_order() = SampleOrder();
  h.orders.get_order.Answer(order);
  ServeDrops(h, {SampleDrop()});
  const auto body = Answered(h.SendAs(
      kBuyer, "buyer",
      GraphQLPost(R"({ order(id: "order-1") { id status amount failureCode drop { id } } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(h.orders.get_order.last().id(), "order-1");
  EXPECT_EQ(h.orders.get_order.last().buyer_id(), kBuyer);
  const auto& o = DataOf(body).at("order");
  EXPECT_EQ(o.at("status").as_string(), "CONFIRMED");
  EXPECT_EQ(o.at("amount").as_int64(), 9998);
  EXPECT_TRUE(o.at("failureCode").is_null());
  EXPECT_EQ(o.at("drop").at("id").as_string(), "drop-1");
}

TEST(GraphQLOrder, AnotherBuyers_IsNullWithoutError) {
  RouteHarness h;
  h.orders.get_order.Fail(NotFoundError("order"));  // what orders answers for someone else's
  const auto body = Answered(
      h.SendAs(kBuyer, "buyer", GraphQLPost(R"({ order(id: "order-of-another") { id } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_TRUE(DataOf(body).at("order").is_null());
  EXPECT_EQ(h.orders.get_order.last().buyer_id(), kBuyer);
}

TEST(GraphQLOrder, FailedOrder_CarriesItsFailureCode) {
  RouteHarness h;
  orders::v1::GetOrderResponse order;
  *order.mutable_order() = SampleOrder();
  order.mutable_order()->set_status(orders::v1::ORDER_STATUS_FAILED);
  order.mutable_order()->set_failure_code("sold_out");
  h.orders.get_order.Answer(order);
  const auto body = Answered(
      h.SendAs(kBuyer, "buyer", GraphQLPost(R"({ order(id: "order-1") { status failureCode } })")));
  EXPECT_EQ(DataOf(body).at("order").at("status").as_string(), "FAILED");
  EXPECT_EQ(DataOf(body).at("order").at("failureCode").as_string(), "sold_out");
}

TEST(GraphQLMyOrders, MapsToListOrdersForTheCaller) {
  RouteHarness h;
  orders::v1::ListOrdersResponse page;
  *page.add_items() = SampleOrder();
  page.add_cursors("o-1");
  h.orders.list_orders.Answer(page);
  const auto body = Answered(
      h.SendAs(kBuyer, "buyer",
               GraphQLPost(R"({ myOrders(first: 3, after: "o-0") { edges { cursor node { id } }
                        pageInfo { hasNextPage } } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  const auto req = h.orders.list_orders.last();
  EXPECT_EQ(req.buyer_id(), kBuyer);
  EXPECT_EQ(req.limit(), 3);
  EXPECT_EQ(req.cursor(), "o-0");
  const auto& edge = DataOf(body).at("myOrders").at("edges").as_array().at(0);
  EXPECT_EQ(edge.at("cursor").as_string(), "o-1");
  EXPECT_EQ(edge.at("node").at("id").as_string(), "order-1");
}

TEST(GraphQLNotifications, DataIsKeptAsTheEventsJsonNotRenamed) {
  RouteHarness h;
  notifications::v1::ListNotificationsResponse page;
  auto* item = page.add_items();
  item->set_read(true);
  auto* n = item->mutable_notification();
  n->set_id("n-1");
  n->set_type("sold_out");
  n->set_seq(42);
  *n->mutable_time() = At("2026-12-01T18:05:00Z");
  n->set_data_json(R"({"drop_id":"drop-1","units_sold":100,"by_size":{"x_large":3}})");
  h.notifications.list_notifications.Answer(page);
  const auto body = Answered(h.SendAs(
      kBuyer, "buyer",
      GraphQLPost("{ notifications(first: 10) { edges { cursor node { id type time data read } } "
                  "pageInfo { hasNextPage } } }")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(h.notifications.list_notifications.last().user_id(), kBuyer);
  EXPECT_EQ(h.notifications.list_notifications.last().limit(), 10);
  const auto& edge = DataOf(body).at("notifications").at("edges").as_array().at(0);
  EXPECT_EQ(edge.at("cursor").as_string(), EncodeCursor(42));
  const auto& node = edge.at("node");
  EXPECT_EQ(node.at("type").as_string(), "sold_out");
  EXPECT_EQ(node.at("time").as_string(), "2026-12-01T18:05:00.000Z");
  EXPECT_TRUE(node.at("read").as_bool());
  EXPECT_EQ(node.at("data"),
            json::parse(R"({"drop_id":"drop-1","units_sold":100,"by_size":{"x_large":3}})"));
}

// --- auth ------------------------------------------------------------------------------------

TEST(GraphQLAuth, MeWithoutToken_UnauthenticatedErrorAndDataNull) {
  RouteHarness h;
  const auto body = Answered(h.Send(GraphQLPost("{ me { id } }")));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"unauthenticated"});
  ASSERT_TRUE(body.contains("data"));
  EXPECT_TRUE(body.at("data").is_null());
  EXPECT_EQ(body.at("errors").at(0).at("path"), json::array{"me"});
  EXPECT_EQ(h.auth.get_user.calls(), 0);
}

TEST(GraphQLAuth, OrdersAndNotificationsWithoutToken_Unauthenticated) {
  RouteHarness h;
  for (const char* query :
       {R"({ order(id: "order-1") { id } })", "{ myOrders { edges { cursor } } }",
        "{ notifications { edges { cursor } } }"}) {
    const auto body = Answered(h.Send(GraphQLPost(query)));
    EXPECT_EQ(GraphQLErrorCodes(body), Codes{"unauthenticated"}) << query;
  }
  EXPECT_EQ(h.orders.get_order.calls(), 0);
  EXPECT_EQ(h.orders.list_orders.calls(), 0);
  EXPECT_EQ(h.notifications.list_notifications.calls(), 0);
}

TEST(GraphQLAuth, BadToken_Is401Problem) {
  RouteHarness h;
  auto request = GraphQLPost("{ drops { edges { cursor } } }");
  request.headers.Set("Authorization", "Bearer not-a-jwt");
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(ProblemCodeOf(*response), "token_invalid");
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(GraphQLAuth, ExpiredToken_Is401Problem) {
  RouteHarness h;
  auto request = GraphQLPost("{ me { id } }");
  request.headers.Set("Authorization", "Bearer " + h.ExpiredTokenFor(kBuyer, "buyer"));
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(ProblemCodeOf(*response), "token_expired");
  EXPECT_EQ(h.auth.get_user.calls(), 0);
}

TEST(GraphQLAuth, PublicQueriesWithoutToken_Work) {
  RouteHarness h;
  ServeDrops(h, {SampleDrop()});
  const auto body =
      Answered(h.Send(GraphQLPost(R"({ drops { edges { cursor } } drop(id: "drop-1") { id } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(DataOf(body).at("drop").at("id").as_string(), "drop-1");
  EXPECT_EQ(h.drops.list_drops.calls(), 1);
}

// --- mutations: the requests REST sends ------------------------------------------------------

TEST(GraphQLMutation, Register_SendsWhatRestSendsAndAnswersTheSession) {
  RouteHarness h;
  auth::v1::RegisterResponse session;
  *session.mutable_user() = SampleUser(kCreator, auth::v1::ROLE_CREATOR);
  *session.mutable_tokens() = SampleTokens();
  h.auth.register_user.Answer(session);
  ASSERT_TRUE(h.Send(MakeRequest(
      "POST", "/v1/auth/register",
      R"({"email":"m@example.com","password":"hunter22","display_name":"Maker","role":"creator"})")));
  const auto body = Answered(h.Send(GraphQLPost(
      R"(mutation { register(input: {email: "m@example.com", password: "hunter22",
                                      displayName: "Maker", role: CREATOR}) {
           user { id role } accessToken refreshToken expiresIn tokenType } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.auth.register_user);
  EXPECT_EQ(h.auth.register_user.last().role(), auth::v1::ROLE_CREATOR);
  const auto& s = DataOf(body).at("register");
  EXPECT_EQ(s.at("user").at("role").as_string(), "CREATOR");
  EXPECT_EQ(s.at("accessToken").as_string(), "access-1");
  EXPECT_EQ(s.at("refreshToken").as_string(), "refresh-1");
  EXPECT_EQ(s.at("expiresIn").as_int64(), 900);
  EXPECT_EQ(s.at("tokenType").as_string(), "Bearer");
}

TEST(GraphQLMutation, Register_DisplayNameOf300Chars_ValidationFailedWithoutAskingAuth) {
  RouteHarness h;
  const auto body = Answered(h.Send(
      GraphQLPost("mutation($name: String!) { register(input: {email: \"m@example.com\", password: "
                  "\"hunter22\", displayName: $name, role: BUYER}) { accessToken } }",
                  {{"name", std::string(300, 'n')}})));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"validation_failed"});
  EXPECT_TRUE(DataOf(body).is_null());
  EXPECT_EQ(h.auth.register_user.calls(), 0);
}

TEST(GraphQLMutation, Register_AsAdmin_ValidationFailedAsOverRest) {
  RouteHarness h;
  const auto body = Answered(h.Send(GraphQLPost(
      R"(mutation { register(input: {email: "a@example.com", password: "hunter22",
                                      displayName: "A", role: ADMIN}) { accessToken } })")));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"validation_failed"});
  EXPECT_EQ(h.auth.register_user.calls(), 0);
}

TEST(GraphQLMutation, Login_SendsWhatRestSends) {
  RouteHarness h;
  auth::v1::LoginResponse session;
  *session.mutable_user() = SampleUser(kBuyer, auth::v1::ROLE_BUYER);
  *session.mutable_tokens() = SampleTokens();
  h.auth.login.Answer(session);
  ASSERT_TRUE(h.Send(
      MakeRequest("POST", "/v1/auth/login", R"({"email":"b@example.com","password":"hunter22"})")));
  const auto body = Answered(h.Send(GraphQLPost(
      R"(mutation { login(input: {email: "b@example.com", password: "hunter22"}) {
           user { id } accessToken } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.auth.login);
  EXPECT_EQ(DataOf(body).at("login").at("user").at("id").as_string(), kBuyer);
}

TEST(GraphQLMutation, Login_WrongPassword_CarriesAuthsCode) {
  RouteHarness h;
  h.auth.login.Fail(Error(ErrorKind::kUnauthenticated, "invalid_credentials", "no"));
  const auto body = Answered(h.Send(GraphQLPost(
      R"(mutation { login(input: {email: "b@example.com", password: "x"}) { accessToken } })")));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"invalid_credentials"});
}

TEST(GraphQLMutation, RefreshAndLogout_SendWhatRestSends) {
  RouteHarness h;
  auth::v1::RefreshResponse session;
  *session.mutable_user() = SampleUser(kBuyer, auth::v1::ROLE_BUYER);
  *session.mutable_tokens() = SampleTokens();
  h.auth.refresh.Answer(session);
  ASSERT_TRUE(h.Send(MakeRequest("POST", "/v1/auth/refresh", R"({"refresh_token":"rt-1"})")));
  auto body = Answered(
      h.Send(GraphQLPost(R"(mutation { refresh(refreshToken: "rt-1") { accessToken } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.auth.refresh);
  EXPECT_EQ(h.auth.refresh.last().refresh_token(), "rt-1");

  ASSERT_TRUE(h.Send(MakeRequest("POST", "/v1/auth/logout", R"({"refresh_token":"rt-1"})")));
  body = Answered(h.Send(GraphQLPost(R"(mutation { logout(refreshToken: "rt-1") })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.auth.logout);
  EXPECT_EQ(DataOf(body).at("logout"), json::value(true));
}

TEST(GraphQLMutation, RefreshTokenOver256_ValidationFailed) {
  RouteHarness h;
  const auto body =
      Answered(h.Send(GraphQLPost("mutation($t: String!) { refresh(refreshToken: $t) { "
                                  "accessToken } }",
                                  {{"t", std::string(257, 't')}})));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"validation_failed"});
  EXPECT_EQ(h.auth.refresh.calls(), 0);
}

TEST(GraphQLMutation, FollowAndUnfollow_SendWhatRestSends) {
  RouteHarness h;
  followers::v1::FollowResponse follow;
  follow.mutable_follow()->set_follower_id(kBuyer);
  follow.mutable_follow()->set_creator_id(kCreator);
  *follow.mutable_follow()->mutable_since() = At("2026-11-02T10:00:00Z");
  h.followers.follow.Answer(follow);
  ASSERT_TRUE(
      h.SendAs(kBuyer, "buyer", MakeRequest("PUT", std::string("/v1/me/following/") + kCreator)));
  auto body = Answered(h.SendAs(kBuyer, "buyer",
                                GraphQLPost(std::string(R"(mutation { follow(creatorId: ")") +
                                            kCreator + R"(") { creatorId following since } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.followers.follow);
  EXPECT_EQ(h.followers.follow.last().follower_id(), kBuyer);
  EXPECT_TRUE(DataOf(body).at("follow").at("following").as_bool());
  EXPECT_EQ(DataOf(body).at("follow").at("since").as_string(), "2026-11-02T10:00:00.000Z");

  ASSERT_TRUE(h.SendAs(kBuyer, "buyer",
                       MakeRequest("DELETE", std::string("/v1/me/following/") + kCreator)));
  body = Answered(h.SendAs(kBuyer, "buyer",
                           GraphQLPost(std::string(R"(mutation { unfollow(creatorId: ")") +
                                       kCreator + R"(") { creatorId following since } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.followers.unfollow);
  const auto& state = DataOf(body).at("unfollow");
  EXPECT_EQ(state.at("creatorId").as_string(), kCreator);
  EXPECT_FALSE(state.at("following").as_bool());
  EXPECT_TRUE(state.at("since").is_null());
}

TEST(GraphQLMutation, FollowWithoutToken_UnauthenticatedWithoutAskingFollowers) {
  RouteHarness h;
  const auto body =
      Answered(h.Send(GraphQLPost(R"(mutation { follow(creatorId: "c") { following } })")));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"unauthenticated"});
  EXPECT_EQ(h.followers.follow.calls(), 0);
}

TEST(GraphQLMutation, CreateProduct_SendsWhatRestSends) {
  RouteHarness h;
  drops::v1::CreateProductResponse created;
  *created.mutable_product() = SampleProduct();
  h.drops.create_product.Answer(created);
  ASSERT_TRUE(h.SendAs(kCreator, "creator",
                       MakeRequest("POST", "/v1/products",
                                   R"({"title":"Hoodie","unit_amount":4999,"currency":"EUR"})")));
  const auto body = Answered(
      h.SendAs(kCreator, "creator",
               GraphQLPost(R"(mutation { createProduct(input: {title: "Hoodie", unitAmount: 4999,
                      currency: "EUR"}) { id title } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.drops.create_product);
  EXPECT_EQ(h.drops.create_product.last().creator_id(), kCreator);
  EXPECT_EQ(DataOf(body).at("createProduct").at("id").as_string(), "prod-1");
}

TEST(GraphQLMutation, CreateProduct_ElevenImageUrls_ValidationFailedAsOverRest) {
  RouteHarness h;
  json::array urls;
  for (int i = 0; i < 11; ++i) urls.push_back(json::string("https://img.example/x.png"));
  const auto body = Answered(h.SendAs(
      kCreator, "creator",
      GraphQLPost("mutation($u: [String!]) { createProduct(input: {title: \"T\", unitAmount: 1, "
                  "currency: \"EUR\", imageUrls: $u}) { id } }",
                  {{"u", urls}})));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"validation_failed"});
  EXPECT_EQ(h.drops.create_product.calls(), 0);
}

TEST(GraphQLMutation, CreateDrop_SendsWhatRestSends) {
  RouteHarness h;
  drops::v1::CreateDropResponse created;
  *created.mutable_drop() = SampleDrop();
  h.drops.create_drop.Answer(created);
  ASSERT_TRUE(h.SendAs(kCreator, "creator",
                       MakeRequest("POST", "/v1/drops",
                                   R"({"product_id":"prod-1","starts_at":"2026-12-01T18:00:00Z",
                      "ends_at":"2026-12-01T19:30:00.250Z","quantity":100,"per_buyer_limit":2})")));
  const auto body = Answered(h.SendAs(
      kCreator, "creator", GraphQLPost(R"(mutation { createDrop(input: {productId: "prod-1",
                      startsAt: "2026-12-01T18:00:00Z", endsAt: "2026-12-01T19:30:00.250Z",
                      quantity: 100, perBuyerLimit: 2}) { id status } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.drops.create_drop);
  EXPECT_EQ(h.drops.create_drop.last().creator_id(), kCreator);
  EXPECT_EQ(h.drops.create_drop.last().quantity(), 100);
  EXPECT_EQ(DataOf(body).at("createDrop").at("status").as_string(), "LIVE");
}

TEST(GraphQLMutation, CreateDropAsBuyer_CreatorsOnlyWithoutAskingDrops) {
  RouteHarness h;
  const auto body = Answered(
      h.SendAs(kBuyer, "buyer", GraphQLPost(R"(mutation { createDrop(input: {productId: "prod-1",
                      startsAt: "2026-12-01T18:00:00Z", endsAt: "2026-12-01T19:00:00Z",
                      quantity: 1, perBuyerLimit: 1}) { id } })")));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"creators_only"});
  EXPECT_TRUE(DataOf(body).is_null());
  EXPECT_EQ(h.drops.create_drop.calls(), 0);
}

TEST(GraphQLMutation, CreateDrop_StartsAtNotATime_ValidationFailed) {
  RouteHarness h;
  const auto body = Answered(h.SendAs(
      kCreator, "creator", GraphQLPost(R"(mutation { createDrop(input: {productId: "prod-1",
                      startsAt: "tomorrow", endsAt: "2026-12-01T19:00:00Z",
                      quantity: 1, perBuyerLimit: 1}) { id } })")));
  ASSERT_EQ(GraphQLErrorCodes(body).size(), 1u);
  EXPECT_EQ(h.drops.create_drop.calls(), 0);
}

TEST(GraphQLMutation, CancelDrop_SendsWhatRestSends) {
  RouteHarness h;
  drops::v1::CancelDropResponse cancelled;
  *cancelled.mutable_drop() = SampleDrop();
  cancelled.mutable_drop()->set_status(drops::v1::DROP_STATUS_CANCELLED);
  h.drops.cancel_drop.Answer(cancelled);
  ASSERT_TRUE(h.SendAs(kCreator, "creator", MakeRequest("POST", "/v1/drops/drop-1/cancel")));
  const auto body = Answered(h.SendAs(
      kCreator, "creator", GraphQLPost(R"(mutation { cancelDrop(id: "drop-1") { status } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.drops.cancel_drop);
  EXPECT_EQ(h.drops.cancel_drop.last().creator_id(), kCreator);
  EXPECT_EQ(DataOf(body).at("cancelDrop").at("status").as_string(), "CANCELLED");
}

TEST(GraphQLMutation, PlaceOrder_SendsWhatRestSendsWithTheIdempotencyKey) {
  RouteHarness h;
  orders::v1::PlaceOrderResponse placed;
  *placed.mutable_order() = SampleOrder();
  h.orders.place_order.Answer(placed);
  auto rest = MakeRequest("POST", "/v1/orders",
                          R"({"drop_id":"drop-1","quantity":2,"payment_token":"tok_visa"})");
  rest.headers.Set("Idempotency-Key", "key-123");
  ASSERT_TRUE(h.SendAs(kBuyer, "buyer", std::move(rest)));
  const auto body = Answered(h.SendAs(
      kBuyer, "buyer", GraphQLPost(R"(mutation { placeOrder(input: {dropId: "drop-1", quantity: 2,
                      paymentToken: "tok_visa"}, idempotencyKey: "key-123") { id status } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.orders.place_order);
  EXPECT_EQ(h.orders.place_order.last().idempotency_key(), "key-123");
  EXPECT_EQ(h.orders.place_order.last().buyer_id(), kBuyer);
  EXPECT_EQ(DataOf(body).at("placeOrder").at("status").as_string(), "CONFIRMED");
}

TEST(GraphQLMutation, PlaceOrder_KeyReusedWithAnotherInput_ExtensionsCodeIdempotencyKeyReused) {
  RouteHarness h;
  h.orders.place_order.Fail(Error(ErrorKind::kFailedPrecondition, "idempotency_key_reused",
                                  "this key was used with another request"));
  const auto body = Answered(h.SendAs(
      kBuyer, "buyer", GraphQLPost(R"(mutation { placeOrder(input: {dropId: "drop-1", quantity: 1,
                      paymentToken: "tok_visa"}, idempotencyKey: "key-123") { id } })")));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"idempotency_key_reused"});
  EXPECT_EQ(body.at("errors").at(0).at("path"), json::array{"placeOrder"});
  EXPECT_TRUE(DataOf(body).is_null());
}

TEST(GraphQLMutation, PlaceOrderAsCreator_BuyersOnlyWithoutAskingOrders) {
  RouteHarness h;
  const auto body =
      Answered(h.SendAs(kCreator, "creator",
                        GraphQLPost(R"(mutation { placeOrder(input: {dropId: "drop-1", quantity: 1,
                      paymentToken: "tok_visa"}, idempotencyKey: "k") { id } })")));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"buyers_only"});
  EXPECT_EQ(h.orders.place_order.calls(), 0);
}

// No key: orders refuses it (idempotency_key_missing), for both APIs alike.
TEST(GraphQLMutation, PlaceOrder_EmptyIdempotencyKey_SentAsRestSendsAMissingHeader) {
  RouteHarness h;
  h.orders.place_order.Fail(
      Error(ErrorKind::kInvalidArgument, "idempotency_key_missing", "Idempotency-Key is required"));
  ASSERT_TRUE(
      h.SendAs(kBuyer, "buyer",
               MakeRequest("POST", "/v1/orders",
                           R"({"drop_id":"drop-1","quantity":1,"payment_token":"tok_visa"})")));
  const auto body = Answered(h.SendAs(
      kBuyer, "buyer", GraphQLPost(R"(mutation { placeOrder(input: {dropId: "drop-1", quantity: 1,
                      paymentToken: "tok_visa"}, idempotencyKey: "") { id } })")));
  ExpectSameRequestTwice(h.orders.place_order);
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"idempotency_key_missing"});
}

TEST(GraphQLMutation, CancelOrder_SendsWhatRestSends) {
  RouteHarness h;
  orders::v1::CancelOrderResponse cancelled;
  *cancelled.mutable_order() = SampleOrder();
  cancelled.mutable_order()->set_status(orders::v1::ORDER_STATUS_CANCELLED);
  h.orders.cancel_order.Answer(cancelled);
  ASSERT_TRUE(h.SendAs(kBuyer, "buyer", MakeRequest("POST", "/v1/orders/order-1/cancel")));
  const auto body = Answered(h.SendAs(
      kBuyer, "buyer", GraphQLPost(R"(mutation { cancelOrder(id: "order-1") { status } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.orders.cancel_order);
  EXPECT_EQ(h.orders.cancel_order.last().buyer_id(), kBuyer);
  EXPECT_EQ(DataOf(body).at("cancelOrder").at("status").as_string(), "CANCELLED");
}

TEST(GraphQLMutation, TwoMutations_RunInOrder) {
  RouteHarness h;
  h.followers.follow.Answer(followers::v1::FollowResponse{});
  const auto body = Answered(
      h.SendAs(kBuyer, "buyer", GraphQLPost(R"(mutation { a: follow(creatorId: "c-1") { following }
                                b: follow(creatorId: "c-2") { following } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  const auto calls = h.followers.follow.requests();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].creator_id(), "c-1");
  EXPECT_EQ(calls[1].creator_id(), "c-2");
}

// --- product images ----------------------------------------------------------------------------

constexpr char kProduct[] = "33333333-3333-4333-8333-333333333333";
constexpr char kImage[] = "44444444-4444-4444-8444-444444444444";

drops::v1::ProductImage SampleImage(drops::v1::ImageStatus status) {
  drops::v1::ProductImage image;
  image.set_id(kImage);
  image.set_status(status);
  if (status == drops::v1::IMAGE_STATUS_READY) {
    image.set_width(1200);
    image.set_height(800);
    image.set_url("http://cdn.example/i/aa.jpg");
    for (const int width : {256, 768}) {
      auto* v = image.add_variants();
      v->set_width(width);
      v->set_height(width * 2 / 3);
      v->set_url("http://cdn.example/i/" + std::to_string(width) + ".webp");
    }
  }
  return image;
}

drops::v1::CreateImageUploadResponse SampleUpload() {
  drops::v1::CreateImageUploadResponse r;
  *r.mutable_image() = SampleImage(drops::v1::IMAGE_STATUS_AWAITING_UPLOAD);
  auto& upload = *r.mutable_upload();
  upload.set_method("PUT");
  upload.set_url("http://store.example/livedrop-media/uploads/x?X-Amz-Signature=abc");
  (*upload.mutable_headers())["Content-Type"] = "image/jpeg";
  (*upload.mutable_headers())["Content-Length"] = "5120";
  *upload.mutable_expires_at() = At("2026-12-02T10:15:00Z");
  return r;
}

std::string AskUploadRest(std::string_view type = "image/jpeg", long long length = 5120) {
  return json::serialize(json::object{{"content_type", type}, {"content_length", length}});
}

constexpr char kRequestUpload[] = R"(mutation($p: ID!, $in: ImageUploadInput!) {
  requestImageUpload(productId: $p, input: $in) {
    image { id status width url variants { width } }
    upload { method url headers { name value } expiresAt } } })";

json::object UploadVariables(std::string_view type = "image/jpeg", long long length = 5120) {
  return {{"p", kProduct}, {"in", json::object{{"contentType", type}, {"contentLength", length}}}};
}

std::string ImagePath(const char* suffix = "") {
  return std::string("/v1/products/") + kProduct + "/images/" + kImage + suffix;
}

TEST(GraphQLImages, RequestImageUpload_SendsWhatRestSends_UploadWithHeadersAsSortedPairs) {
  RouteHarness h;
  h.images.create_image_upload.Answer(SampleUpload());
  const auto rest = h.SendAs(
      kCreator, "creator",
      MakeRequest("POST", std::string("/v1/products/") + kProduct + "/images", AskUploadRest()));
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 201) << rest->body;
  const auto body =
      Answered(h.SendAs(kCreator, "creator", GraphQLPost(kRequestUpload, UploadVariables())));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.images.create_image_upload);
  const auto asked = h.images.create_image_upload.last();
  EXPECT_EQ(asked.product_id(), kProduct);
  EXPECT_EQ(asked.creator_id(), kCreator);
  EXPECT_EQ(asked.content_type(), "image/jpeg");
  EXPECT_EQ(asked.content_length(), 5120);

  const auto& ticket = DataOf(body).at("requestImageUpload");
  EXPECT_EQ(
      ticket.at("image"),
      json::parse(R"({"id":")" + std::string(kImage) +
                  R"(","status":"AWAITING_UPLOAD","width":null,"url":null,"variants":null})"));
  EXPECT_EQ(ticket.at("upload"), json::parse(R"({"method":"PUT",
              "url":"http://store.example/livedrop-media/uploads/x?X-Amz-Signature=abc",
              "headers":[{"name":"Content-Length","value":"5120"},
                         {"name":"Content-Type","value":"image/jpeg"}],
              "expiresAt":"2026-12-02T10:15:00.000Z"})"));
}

TEST(GraphQLImages, RequestImageUpload_ContentTypeOver100Bytes_ValidationFailedAsOverRest) {
  RouteHarness h;
  const std::string type = "image/" + std::string(95, 'x');
  const auto rest =
      h.SendAs(kCreator, "creator",
               MakeRequest("POST", std::string("/v1/products/") + kProduct + "/images",
                           AskUploadRest(type)));
  ASSERT_TRUE(rest);
  EXPECT_EQ(ProblemCodeOf(*rest), "validation_failed");
  const auto body =
      Answered(h.SendAs(kCreator, "creator", GraphQLPost(kRequestUpload, UploadVariables(type))));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"validation_failed"});
  EXPECT_EQ(h.images.create_image_upload.calls(), 0);
  // 100 bytes exactly is sent.
  h.images.create_image_upload.Answer(SampleUpload());
  const auto at_limit = Answered(h.SendAs(
      kCreator, "creator", GraphQLPost(kRequestUpload, UploadVariables(type.substr(0, 100)))));
  EXPECT_FALSE(at_limit.contains("errors")) << json::serialize(at_limit);
  EXPECT_EQ(h.images.create_image_upload.last().content_type().size(), 100u);
}

// GraphQL's Int is 32 bits: a length beyond it is refused before any service is asked (REST
// sends it on, and drops refuses it as over its limit).
TEST(GraphQLImages, RequestImageUpload_ContentLengthNotAnInt_RefusedWithoutAskingDrops) {
  RouteHarness h;
  for (const auto& length : {json::value(5000000000LL), json::value("5120"), json::value(1.5)}) {
    auto variables = UploadVariables();
    variables["in"].as_object()["contentLength"] = length;
    const auto response = h.SendAs(kCreator, "creator", GraphQLPost(kRequestUpload, variables));
    ASSERT_TRUE(response);
    EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)).size(), 1u) << response->body;
  }
  EXPECT_EQ(h.images.create_image_upload.calls(), 0);
}

TEST(GraphQLImages, AsBuyerOrWithoutToken_CreatorsOnlyOrUnauthenticated_WithoutAskingDrops) {
  RouteHarness h;
  const std::string complete = std::string(R"(mutation { completeImageUpload(productId: ")") +
                               kProduct + R"(", imageId: "i") { id } })";
  const std::string remove = std::string(R"(mutation { deleteProductImage(productId: ")") +
                             kProduct + R"(", imageId: "i") })";
  for (const auto& query : {std::string(kRequestUpload), complete, remove}) {
    const auto variables = query == kRequestUpload ? UploadVariables() : json::object{};
    const auto as_buyer = Answered(h.SendAs(kBuyer, "buyer", GraphQLPost(query, variables)));
    EXPECT_EQ(GraphQLErrorCodes(as_buyer), Codes{"creators_only"}) << query;
    EXPECT_TRUE(DataOf(as_buyer).is_null());
    const auto anonymous = Answered(h.Send(GraphQLPost(query, variables)));
    EXPECT_EQ(GraphQLErrorCodes(anonymous), Codes{"unauthenticated"}) << query;
  }
  EXPECT_EQ(h.images.create_image_upload.calls(), 0);
  EXPECT_EQ(h.images.complete_image_upload.calls(), 0);
  EXPECT_EQ(h.images.delete_product_image.calls(), 0);
}

// What drops refuses an upload with reaches GraphQL as extensions.code, the REST problem's code.
TEST(GraphQLImages, RequestImageUpload_ServiceRefusals_SameCodeAsTheRestProblem) {
  const struct {
    Error error;
    int rest_status;
  } cases[] = {
      {Error(ErrorKind::kPermissionDenied, "not_your_product", "not yours"), 403},
      {NotFoundError("product"), 404},
      {rpc::ReasonError(ErrorKind::kInvalidArgument, common::v1::REASON_UNSUPPORTED_MEDIA_TYPE,
                        "content_type must be image/jpeg, image/png or image/webp"),
       415},
      {ValidationError("content_length", "content_length must be from 1 to 10485760 bytes"), 400},
      {rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_TOO_MANY_IMAGES,
                        "at most 10"),
       409},
  };
  for (const auto& c : cases) {
    RouteHarness h;
    h.images.create_image_upload.Fail(c.error);
    const auto rest = h.SendAs(
        kCreator, "creator",
        MakeRequest("POST", std::string("/v1/products/") + kProduct + "/images", AskUploadRest()));
    ASSERT_TRUE(rest);
    EXPECT_EQ(rest->status, c.rest_status) << c.error.code();
    EXPECT_EQ(ProblemCodeOf(*rest), c.error.code());
    const auto body =
        Answered(h.SendAs(kCreator, "creator", GraphQLPost(kRequestUpload, UploadVariables())));
    EXPECT_EQ(GraphQLErrorCodes(body), Codes{c.error.code()});
    EXPECT_EQ(body.at("errors").at(0).at("path"), json::array{"requestImageUpload"});
    EXPECT_TRUE(DataOf(body).is_null());
    ExpectSameRequestTwice(h.images.create_image_upload);
  }
}

constexpr char kComplete[] = R"(mutation($p: ID!, $i: ID!) {
  completeImageUpload(productId: $p, imageId: $i) {
    id status width height url variants { width height url } failure } })";

TEST(GraphQLImages, CompleteImageUpload_SendsWhatRestSends_ProcessingThenReadyWithVariants) {
  RouteHarness h;
  const json::object variables{{"p", kProduct}, {"i", kImage}};
  drops::v1::CompleteImageUploadResponse processing;
  *processing.mutable_image() = SampleImage(drops::v1::IMAGE_STATUS_PROCESSING);
  h.images.complete_image_upload.Answer(processing);
  const auto rest = h.SendAs(kCreator, "creator", MakeRequest("POST", ImagePath("/complete")));
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 202) << rest->body;
  const auto body = Answered(h.SendAs(kCreator, "creator", GraphQLPost(kComplete, variables)));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.images.complete_image_upload);
  const auto asked = h.images.complete_image_upload.last();
  EXPECT_EQ(asked.product_id(), kProduct);
  EXPECT_EQ(asked.image_id(), kImage);
  EXPECT_EQ(asked.creator_id(), kCreator);
  EXPECT_EQ(DataOf(body).at("completeImageUpload").at("status").as_string(), "PROCESSING");
  EXPECT_TRUE(DataOf(body).at("completeImageUpload").at("variants").is_null());

  drops::v1::CompleteImageUploadResponse ready;
  *ready.mutable_image() = SampleImage(drops::v1::IMAGE_STATUS_READY);
  h.images.complete_image_upload.Answer(ready);
  const auto again = Answered(h.SendAs(kCreator, "creator", GraphQLPost(kComplete, variables)));
  EXPECT_EQ(DataOf(again).at("completeImageUpload"),
            json::parse(R"({"id":")" + std::string(kImage) + R"(","status":"READY",
              "width":1200,"height":800,"url":"http://cdn.example/i/aa.jpg",
              "variants":[{"width":256,"height":170,"url":"http://cdn.example/i/256.webp"},
                          {"width":768,"height":512,"url":"http://cdn.example/i/768.webp"}],
              "failure":null})"));
}

TEST(GraphQLImages, CompleteImageUpload_Refusals_SameCodeAsTheRestProblem) {
  const struct {
    Error error;
    int rest_status;
  } cases[] = {
      {rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_INVALID_IMAGE,
                        "not a PNG"),
       422},
      {rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_IMAGE_NOT_UPLOADED,
                        "nothing uploaded"),
       409},
      {Error(ErrorKind::kPermissionDenied, "not_your_product", "not yours"), 403},
      {NotFoundError("image"), 404},
      {Error(ErrorKind::kResourceExhausted, "images_busy", "try again"), 429},
  };
  for (const auto& c : cases) {
    RouteHarness h;
    h.images.complete_image_upload.Fail(c.error);
    const auto rest = h.SendAs(kCreator, "creator", MakeRequest("POST", ImagePath("/complete")));
    ASSERT_TRUE(rest);
    EXPECT_EQ(rest->status, c.rest_status) << c.error.code();
    EXPECT_EQ(ProblemCodeOf(*rest), c.error.code());
    const auto body = Answered(
        h.SendAs(kCreator, "creator", GraphQLPost(kComplete, {{"p", kProduct}, {"i", kImage}})));
    EXPECT_EQ(GraphQLErrorCodes(body), Codes{c.error.code()});
    EXPECT_EQ(body.at("errors").at(0).at("path"), json::array{"completeImageUpload"});
    EXPECT_TRUE(DataOf(body).is_null());
    ExpectSameRequestTwice(h.images.complete_image_upload);
  }
}

TEST(GraphQLImages, DeleteProductImage_SendsWhatRestSends_AnswersTheImageId) {
  RouteHarness h;
  h.images.delete_product_image.Answer({});
  const auto rest = h.SendAs(kCreator, "creator", MakeRequest("DELETE", ImagePath()));
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 204);
  const std::string remove =
      "mutation($p: ID!, $i: ID!) { deleteProductImage(productId: $p, "
      "imageId: $i) }";
  const auto body = Answered(
      h.SendAs(kCreator, "creator", GraphQLPost(remove, {{"p", kProduct}, {"i", kImage}})));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  ExpectSameRequestTwice(h.images.delete_product_image);
  EXPECT_EQ(h.images.delete_product_image.last().creator_id(), kCreator);
  EXPECT_EQ(h.images.delete_product_image.last().image_id(), kImage);
  EXPECT_EQ(DataOf(body).at("deleteProductImage").as_string(), kImage);

  h.images.delete_product_image.Fail(
      Error(ErrorKind::kPermissionDenied, "not_your_product", "not yours"));
  const auto refused = Answered(
      h.SendAs(kCreator, "creator", GraphQLPost(remove, {{"p", kProduct}, {"i", kImage}})));
  EXPECT_EQ(GraphQLErrorCodes(refused), Codes{"not_your_product"});
  EXPECT_TRUE(DataOf(refused).is_null());
}

// Product.images as the REST view lists them, the status as the GraphQL enum value.
TEST(GraphQLImages, ProductImages_ReadyImageWithVariants_StatusIsTheEnumValue) {
  RouteHarness h;
  auto product = SampleProduct();
  *product.add_images() = SampleImage(drops::v1::IMAGE_STATUS_READY);
  ServeProducts(h, {product});
  const auto body = Answered(h.Send(GraphQLPost(
      R"({ product(id: "prod-1") { images { id status width variants { width url } } } })")));
  EXPECT_FALSE(body.contains("errors")) << json::serialize(body);
  EXPECT_EQ(DataOf(body).at("product").at("images"),
            json::parse(R"([{"id":")" + std::string(kImage) + R"(","status":"READY","width":1200,
              "variants":[{"width":256,"url":"http://cdn.example/i/256.webp"},
                          {"width":768,"url":"http://cdn.example/i/768.webp"}]}])"));
}

}  // namespace
}  // namespace livedrop::gateway
