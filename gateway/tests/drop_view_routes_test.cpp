// GET /v1/drops/{id} from the gateway's memory, and the conditional, cacheable public reads:
// through the real Gateway against fake services that count their calls.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cache/drop_view_store.h"
#include "livedrop/testing/eventually.h"
#include "route_harness.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using fakes::BodyOf;
using fakes::MakeRequest;
using fakes::RouteHarness;

constexpr char kCreator[] = "11111111-1111-4111-8111-111111111111";
constexpr char kPublic[] = "public, max-age=1, stale-while-revalidate=5";

drops::v1::GetDropResponse LiveDrop(int drops_available = 100) {
  drops::v1::GetDropResponse r;
  auto& d = *r.mutable_drop();
  d.set_id("drop-1");
  d.set_creator_id(kCreator);
  d.set_product_id("prod-1");
  d.set_quantity(100);
  d.set_per_buyer_limit(2);
  d.set_status(drops::v1::DROP_STATUS_LIVE);
  d.set_available(drops_available);
  d.mutable_product()->set_id("prod-1");
  d.mutable_product()->set_title("Hoodie");
  return r;
}

inventory::v1::GetStockResponse Stock(int available, int64_t version) {
  inventory::v1::GetStockResponse r;
  r.mutable_stock()->set_drop_id("drop-1");
  r.mutable_stock()->set_total(100);
  r.mutable_stock()->set_available(available);
  r.mutable_stock()->set_version(version);
  return r;
}

http::Request WithIfNoneMatch(const std::string& target, const std::string& value) {
  auto request = MakeRequest("GET", target);
  request.headers.Set("If-None-Match", value);
  return request;
}

TEST(DropViews, GetDrop_SecondRead_IsAnsweredFromMemoryWithoutCallingTheServices) {
  RouteHarness h;
  h.drops.get_drop.Answer(LiveDrop());
  h.inventory.get_stock.Answer(Stock(40, 3));
  const auto first = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const auto second = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, first->body);
  EXPECT_EQ(BodyOf(*second).at("available").as_int64(), 40);
  EXPECT_EQ(second->headers.Get("ETag"), first->headers.Get("ETag"));
  EXPECT_EQ(h.drops.get_drop.calls(), 1);
  EXPECT_EQ(h.inventory.get_stock.calls(), 1);
}

TEST(DropViews, GetDrop_StockEvent_ChangesTheNextReadWithoutACall) {
  RouteHarness h;
  h.drops.get_drop.Answer(LiveDrop());
  h.inventory.get_stock.Answer(Stock(40, 3));
  const auto first = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(first);
  h.drop_views().ApplyStock("drop-1", 39, 4);
  const auto second = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(second);
  EXPECT_EQ(BodyOf(*second).at("available").as_int64(), 39);
  EXPECT_NE(second->headers.Get("ETag"), first->headers.Get("ETag"));
  EXPECT_EQ(h.drops.get_drop.calls(), 1);
}

TEST(DropViews, CancelThroughThisGateway_TheNextReadShowsItWithoutACall) {
  RouteHarness h;
  h.drops.get_drop.Answer(LiveDrop());
  h.inventory.get_stock.Answer(Stock(40, 3));
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/v1/drops/drop-1")));
  drops::v1::CancelDropResponse cancelled;
  *cancelled.mutable_drop() = LiveDrop().drop();
  cancelled.mutable_drop()->set_status(drops::v1::DROP_STATUS_CANCELLED);
  h.drops.cancel_drop.Answer(cancelled);
  const auto cancel = h.SendAs(kCreator, "creator", MakeRequest("POST", "/v1/drops/drop-1/cancel"));
  ASSERT_TRUE(cancel);
  ASSERT_EQ(cancel->status, 200);
  const auto read = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(read);
  EXPECT_EQ(BodyOf(*read).at("status").as_string(), "cancelled");
  EXPECT_EQ(BodyOf(*read).at("available").as_int64(), 40);
  EXPECT_EQ(h.drops.get_drop.calls(), 1);
}

TEST(DropViews, GetDrop_LastUnitSoldWhileDropsStillSaysLive_ShowsSoldOut) {
  RouteHarness h;
  h.drops.get_drop.Answer(LiveDrop());
  h.inventory.get_stock.Answer(Stock(0, 9));
  const auto response = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(BodyOf(*response).at("status").as_string(), "sold_out");
  EXPECT_EQ(BodyOf(*response).at("available").as_int64(), 0);
}

TEST(DropViews, GetDrop_AfterTheTtl_IsLoadedAgain) {
  RouteHarness::Options options;
  options.drop_view_ttl = 20ms;
  RouteHarness h(options);
  h.drops.get_drop.Answer(LiveDrop());
  h.inventory.get_stock.Answer(Stock(40, 3));
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/v1/drops/drop-1")));
  h.inventory.get_stock.Answer(Stock(12, 4));  // changed with no event: only the TTL shows it
  int available = 40;
  EXPECT_TRUE(livedrop::testing::Eventually(
      [&] {
        const auto r = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
        available = r ? static_cast<int>(BodyOf(*r).at("available").as_int64()) : -1;
        return available == 12;
      },
      10s, 5ms));
  EXPECT_GE(h.inventory.get_stock.calls(), 2);
}

TEST(DropViews, GetDrop_InventoryDown_AnswersWithDropsQuantityAndKeepsNothing) {
  RouteHarness h;
  h.drops.get_drop.Answer(LiveDrop(100));
  h.inventory.get_stock.Fail(Error(ErrorKind::kUnavailable, "unavailable", "down"));
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/v1/drops/drop-1")));
  const auto second = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(second);
  EXPECT_EQ(BodyOf(*second).at("available").as_int64(), 100);
  EXPECT_EQ(h.drops.get_drop.calls(), 2);
  EXPECT_EQ(h.drop_views().size(), 0u);
}

TEST(DropViews, StoreFull_TheLeastRecentlyReadDropIsLoadedAgain) {
  RouteHarness::Options options;
  options.drop_views = 1;
  RouteHarness h(options);
  h.drops.get_drop.AnswerWith([](const drops::v1::GetDropRequest& req) {
    auto r = LiveDrop();
    r.mutable_drop()->set_id(req.id());
    return r;
  });
  h.inventory.get_stock.Answer(Stock(5, 1));
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/v1/drops/drop-a")));
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/v1/drops/drop-b")));
  EXPECT_EQ(h.drop_views().size(), 1u);
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/v1/drops/drop-a")));
  EXPECT_EQ(h.drops.get_drop.calls(), 3);
}

TEST(DropViews, GetDrop_IfNoneMatchCurrentTag_Is304WithTheTagAndNoBody) {
  RouteHarness h;
  h.drops.get_drop.Answer(LiveDrop());
  h.inventory.get_stock.Answer(Stock(40, 3));
  const auto first = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(first);
  const auto etag = first->headers.Get("ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(first->headers.Get("Cache-Control"), kPublic);

  for (const auto& value : {*etag, "\"other\", W/" + *etag, std::string("*")}) {
    const auto r = h.Send(WithIfNoneMatch("/v1/drops/drop-1", value));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 304) << value;
    EXPECT_TRUE(r->body.empty());
    EXPECT_EQ(r->headers.Get("ETag"), etag);
    EXPECT_EQ(r->headers.Get("Cache-Control"), kPublic);
  }
  h.drop_views().ApplyStock("drop-1", 39, 4);
  const auto changed = h.Send(WithIfNoneMatch("/v1/drops/drop-1", *etag));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(BodyOf(*changed).at("available").as_int64(), 39);
}

TEST(DropViews, GetProduct_HasAnEtagAndAnswersIfNoneMatchWith304) {
  RouteHarness h;
  drops::v1::GetProductResponse product;
  product.mutable_product()->set_id("prod-1");
  product.mutable_product()->set_title("Hoodie");
  h.drops.get_product.Answer(product);
  const auto first = h.Send(MakeRequest("GET", "/v1/products/prod-1"));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const auto etag = first->headers.Get("ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(first->headers.Get("Cache-Control"), kPublic);
  const auto again = h.Send(WithIfNoneMatch("/v1/products/prod-1", *etag));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
}

TEST(DropViews, GetCreator_HasAnEtagAndAnswersIfNoneMatchWith304) {
  RouteHarness h;
  auth::v1::GetUserResponse user;
  user.mutable_user()->set_id(kCreator);
  user.mutable_user()->set_role(auth::v1::ROLE_CREATOR);
  user.mutable_user()->set_display_name("Ada");
  h.auth.get_user.Answer(user);
  followers::v1::GetCountsResponse counts;
  counts.set_follower_count(3);
  h.followers.get_counts.Answer(counts);
  const auto first = h.Send(MakeRequest("GET", std::string("/v1/creators/") + kCreator));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const auto etag = first->headers.Get("ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(first->headers.Get("Cache-Control"), kPublic);
  const auto again = h.Send(WithIfNoneMatch(std::string("/v1/creators/") + kCreator, "W/" + *etag));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  counts.set_follower_count(4);
  h.followers.get_counts.Answer(counts);
  const auto changed = h.Send(WithIfNoneMatch(std::string("/v1/creators/") + kCreator, *etag));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_NE(changed->headers.Get("ETag"), etag);
}

TEST(DropViews, GraphQLDrop_LiveWithNoStockLeft_IsSoldOutAsOverRest) {
  RouteHarness h;
  drops::v1::GetDropsResponse found;
  *found.add_drops() = LiveDrop().drop();
  h.drops.get_drops.Answer(found);
  inventory::v1::GetStocksResponse stocks;
  *stocks.add_stocks() = Stock(0, 9).stock();
  h.inventory.get_stocks.Answer(stocks);
  const auto response =
      h.Send(fakes::GraphQLPost(R"({ drop(id: "drop-1") { status available } })"));
  ASSERT_TRUE(response);
  const auto drop = BodyOf(*response).at("data").at("drop");
  EXPECT_EQ(drop.at("status").as_string(), "SOLD_OUT");
  EXPECT_EQ(drop.at("available").as_int64(), 0);
  EXPECT_EQ(h.inventory.get_stocks.calls(), 1);  // status and available share the batch

  stocks.mutable_stocks(0)->set_available(3);
  h.inventory.get_stocks.Answer(stocks);
  const auto left = h.Send(fakes::GraphQLPost(R"({ drop(id: "drop-1") { status } })"));
  ASSERT_TRUE(left);
  EXPECT_EQ(BodyOf(*left).at("data").at("drop").at("status").as_string(), "LIVE");
}

TEST(DropViews, GraphQLDrop_HeldByTheStore_IsAnsweredFromItWithoutCalls) {
  RouteHarness h;
  h.drops.get_drop.Answer(LiveDrop());
  h.inventory.get_stock.Answer(Stock(40, 3));
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/v1/drops/drop-1")));  // now held
  h.drop_views().ApplyStock("drop-1", 0, 4);
  const auto response = h.Send(fakes::GraphQLPost(
      R"({ drop(id: "drop-1") { id status available product { title } } })"));
  ASSERT_TRUE(response);
  const auto drop = BodyOf(*response).at("data").at("drop");
  EXPECT_EQ(drop.at("status").as_string(), "SOLD_OUT");
  EXPECT_EQ(drop.at("available").as_int64(), 0);
  EXPECT_EQ(drop.at("product").at("title").as_string(), "Hoodie");
  EXPECT_EQ(h.drops.get_drops.calls(), 0);
  EXPECT_EQ(h.inventory.get_stocks.calls(), 0);
}

TEST(DropViews, PerUserRead_SaysPrivateNoStore) {
  RouteHarness h;
  auth::v1::GetUserResponse user;
  user.mutable_user()->set_id(kCreator);
  h.auth.get_user.Answer(user);
  const auto response = h.SendAs(kCreator, "creator", MakeRequest("GET", "/v1/me"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers.Get("Cache-Control"), "private, no-store");
  EXPECT_FALSE(response->headers.Get("ETag"));
}

}  // namespace
}  // namespace livedrop::gateway
