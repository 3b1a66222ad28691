// The drop and order routes driven through the real Gateway and clients, against fake
// services: what each route asks the services, and what it answers the client.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "livedrop/grpc/channel_policy.h"
#include "livedrop/testing/eventually.h"
#include "route_harness.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using fakes::At;
using fakes::BodyOf;
using fakes::MakeRequest;
using fakes::ProblemCodeOf;
using fakes::RouteHarness;

constexpr char kCreator[] = "11111111-1111-4111-8111-111111111111";
constexpr char kBuyer[] = "22222222-2222-4222-8222-222222222222";

drops::v1::Product SampleProduct() {
  drops::v1::Product p;
  p.set_id("prod-1");
  p.set_creator_id(kCreator);
  p.set_title("Hoodie");
  p.set_description("warm");
  p.mutable_price()->set_unit_amount(4999);
  p.mutable_price()->set_currency("EUR");
  p.add_image_urls("https://img.example/1.png");
  *p.mutable_created_at() = At("2026-11-20T08:00:00Z");
  return p;
}

drops::v1::Drop SampleDrop() {
  drops::v1::Drop d;
  d.set_id("drop-1");
  d.set_creator_id(kCreator);
  d.set_product_id("prod-1");
  *d.mutable_starts_at() = At("2026-12-01T18:00:00Z");
  *d.mutable_ends_at() = At("2026-12-01T19:30:00.250Z");
  d.set_quantity(100);
  d.set_per_buyer_limit(2);
  d.set_status(drops::v1::DROP_STATUS_LIVE);
  d.set_available(40);
  return d;
}

drops::v1::GetDropResponse DropAnswer(const drops::v1::Drop& drop) {
  drops::v1::GetDropResponse r;
  *r.mutable_drop() = drop;
  return r;
}

inventory::v1::GetStockResponse StockAnswer(int available) {
  inventory::v1::GetStockResponse r;
  r.mutable_stock()->set_drop_id("drop-1");
  r.mutable_stock()->set_total(100);
  r.mutable_stock()->set_available(available);
  return r;
}

orders::v1::Order SampleOrder(orders::v1::OrderStatus status) {
  orders::v1::Order o;
  o.set_id("order-1");
  o.set_buyer_id(kBuyer);
  o.set_drop_id("drop-1");
  o.set_quantity(2);
  o.set_amount(9998);
  o.set_currency("EUR");
  o.set_status(status);
  *o.mutable_created_at() = At("2026-12-01T18:00:01.5Z");
  return o;
}

http::Request PlaceOrderRequest(const std::string& key) {
  auto request = MakeRequest("POST", "/v1/orders",
                             R"({"drop_id":"drop-1","quantity":2,"payment_token":"tok_visa"})");
  if (!key.empty()) request.headers.Set("Idempotency-Key", key);
  return request;
}

// --- GET /v1/drops/{id}: drops and inventory merged ------------------------------------------

TEST(DropRoutes, GetDrop_BothAnswer_AvailableIsInventorysLiveStock) {
  RouteHarness h;
  h.drops.get_drop.Answer(DropAnswer(SampleDrop()));
  h.inventory.get_stock.Answer(StockAnswer(7));
  const auto response = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("available").as_int64(), 7);
  EXPECT_EQ(body.at("quantity").as_int64(), 100);
  EXPECT_EQ(h.drops.get_drop.last().id(), "drop-1");
  EXPECT_EQ(h.inventory.get_stock.last().drop_id(), "drop-1");
}

TEST(DropRoutes, GetDrop_InventoryDown_KeepsDropsQuantity) {
  RouteHarness h;
  h.drops.get_drop.Answer(DropAnswer(SampleDrop()));
  h.inventory.get_stock.Fail(Error(ErrorKind::kUnavailable, "unavailable", "no pods"));
  const auto response = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("available").as_int64(), 40);  // what drops said
  EXPECT_EQ(body.at("quantity").as_int64(), 100);
  // GetStock is idempotent: the channel retries UNAVAILABLE to its last attempt before the
  // view falls back (the page waits for those retries).
  EXPECT_EQ(h.inventory.get_stock.calls(), rpc::RetryPolicy{}.max_attempts);
}

TEST(DropRoutes, GetDrop_InventoryFailsInternally_StillAnswersTheDrop) {
  RouteHarness h;
  h.drops.get_drop.Answer(DropAnswer(SampleDrop()));
  h.inventory.get_stock.Fail(Error(ErrorKind::kInternal, "internal", "db down"));
  const auto response = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(BodyOf(*response).at("available").as_int64(), 40);
}

TEST(DropRoutes, GetDrop_DropNotFound_Is404EvenThoughInventoryAnswered) {
  RouteHarness h;
  h.drops.get_drop.Fail(NotFoundError("drop"));
  h.inventory.get_stock.Answer(StockAnswer(7));
  const auto response = h.Send(MakeRequest("GET", "/v1/drops/nope"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(ProblemCodeOf(*response), "not_found");
  EXPECT_EQ(h.inventory.get_stock.calls(), 1);
}

// Whichever answer comes last, the reply waits for it: an early reply would show drops'
// 40 instead of inventory's 7.
TEST(DropRoutes, GetDrop_InventoryAnswersLast_ReplyWaitsForIt) {
  RouteHarness h;
  h.drops.get_drop.Answer(DropAnswer(SampleDrop()));
  h.inventory.get_stock.Answer(StockAnswer(7));
  h.inventory.get_stock.Hold();
  const auto pending = h.Start(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(testing::Eventually(
      [&] { return h.drops.get_drop.calls() == 1 && h.inventory.get_stock.calls() == 1; }, 5s));
  h.inventory.get_stock.Release();
  const auto response = RouteHarness::Wait(pending, 10s);
  ASSERT_TRUE(response);
  EXPECT_EQ(BodyOf(*response).at("available").as_int64(), 7);
}

TEST(DropRoutes, GetDrop_DropsAnswersLast_ReplyWaitsForIt) {
  RouteHarness h;
  h.drops.get_drop.Answer(DropAnswer(SampleDrop()));
  h.drops.get_drop.Hold();
  h.inventory.get_stock.Answer(StockAnswer(7));
  const auto pending = h.Start(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(testing::Eventually(
      [&] { return h.drops.get_drop.calls() == 1 && h.inventory.get_stock.calls() == 1; }, 5s));
  EXPECT_FALSE(RouteHarness::Answered(pending));  // nothing to say without the drop
  h.drops.get_drop.Release();
  const auto response = RouteHarness::Wait(pending, 10s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(BodyOf(*response).at("available").as_int64(), 7);
}

TEST(DropRoutes, GetDrop_View_SnakeCaseFieldsStatusByNameRfc3339TimesAndProduct) {
  RouteHarness h;
  auto drop = SampleDrop();
  drop.set_status(drops::v1::DROP_STATUS_SOLD_OUT);
  *drop.mutable_product() = SampleProduct();
  h.drops.get_drop.Answer(DropAnswer(drop));
  h.inventory.get_stock.Answer(StockAnswer(0));
  const auto response = h.Send(MakeRequest("GET", "/v1/drops/drop-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->headers.Get("Content-Type").value_or(""), "application/json");
  const auto body = BodyOf(*response);
  std::set<std::string> keys;
  for (const auto& member : body) keys.insert(std::string(member.key()));
  EXPECT_EQ(keys, (std::set<std::string>{"id", "creator_id", "product_id", "starts_at", "ends_at",
                                         "quantity", "per_buyer_limit", "status", "available",
                                         "product"}));
  EXPECT_EQ(body.at("status").as_string(), "sold_out");
  EXPECT_EQ(body.at("starts_at").as_string(), "2026-12-01T18:00:00.000Z");
  EXPECT_EQ(body.at("ends_at").as_string(), "2026-12-01T19:30:00.250Z");
  EXPECT_EQ(body.at("per_buyer_limit").as_int64(), 2);
  EXPECT_EQ(body.at("available").as_int64(), 0);
  const auto& product = body.at("product").as_object();
  EXPECT_EQ(product.at("unit_amount").as_int64(), 4999);
  EXPECT_EQ(product.at("currency").as_string(), "EUR");
  EXPECT_EQ(product.at("image_urls").as_array().at(0).as_string(), "https://img.example/1.png");
  EXPECT_EQ(product.at("created_at").as_string(), "2026-11-20T08:00:00.000Z");
}

// --- GET /v1/drops: filters and paging -------------------------------------------------------

TEST(DropRoutes, ListDrops_FiltersAndPaging_ReachDrops) {
  RouteHarness h;
  drops::v1::ListDropsResponse answer;
  *answer.add_items() = SampleDrop();
  answer.set_next_cursor("cursor-2");
  h.drops.list_drops.Answer(answer);
  const auto response = h.Send(
      MakeRequest("GET", "/v1/drops?status=sold_out&creator_id=c%201&limit=5&cursor=cursor-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto seen = h.drops.list_drops.last();
  EXPECT_EQ(seen.status(), drops::v1::DROP_STATUS_SOLD_OUT);
  EXPECT_EQ(seen.creator_id(), "c 1");
  EXPECT_EQ(seen.limit(), 5);
  EXPECT_EQ(seen.cursor(), "cursor-1");
  const auto body = BodyOf(*response);
  ASSERT_EQ(body.at("items").as_array().size(), 1u);
  EXPECT_EQ(body.at("items").as_array()[0].as_object().at("status").as_string(), "live");
  EXPECT_EQ(body.at("next_cursor").as_string(), "cursor-2");
}

TEST(DropRoutes, ListDrops_NoParameters_AsksForTheServiceDefaultsAndLastPageHasNullCursor) {
  RouteHarness h;
  h.drops.list_drops.Answer(drops::v1::ListDropsResponse{});
  const auto response = h.Send(MakeRequest("GET", "/v1/drops"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto seen = h.drops.list_drops.last();
  EXPECT_EQ(seen.status(), drops::v1::DROP_STATUS_UNSPECIFIED);
  EXPECT_EQ(seen.limit(), 0);
  EXPECT_EQ(seen.cursor(), "");
  const auto body = BodyOf(*response);
  EXPECT_TRUE(body.at("items").as_array().empty());
  EXPECT_TRUE(body.at("next_cursor").is_null());
}

TEST(DropRoutes, ListDrops_UnknownStatus_Is400NamingStatusWithoutCallingDrops) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("GET", "/v1/drops?status=LIVE"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(ProblemCodeOf(*response), "validation_failed");
  EXPECT_EQ(BodyOf(*response).at("field").as_string(), "status");
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(DropRoutes, ListDrops_LimitNotAPositiveInteger_Is400WithoutCallingDrops) {
  RouteHarness h;
  for (const std::string limit : {"0", "-1", "abc", "5x", "1.5", "99999999999"}) {
    SCOPED_TRACE(limit);
    const auto response = h.Send(MakeRequest("GET", "/v1/drops?limit=" + limit));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(ProblemCodeOf(*response), "validation_failed");
    EXPECT_EQ(BodyOf(*response).at("field").as_string(), "limit");
  }
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(DropRoutes, ListDrops_CursorOver256Bytes_Is400) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("GET", "/v1/drops?cursor=" + std::string(257, 'c')));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(BodyOf(*response).at("field").as_string(), "cursor");
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

// --- creator-only routes ---------------------------------------------------------------------

TEST(DropRoutes, CreateProduct_AsBuyer_Is403CreatorsOnlyWithoutCallingDrops) {
  RouteHarness h;
  const auto response =
      h.SendAs(kBuyer, "buyer",
               MakeRequest("POST", "/v1/products",
                           R"({"title":"Hoodie","unit_amount":4999,"currency":"EUR"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ProblemCodeOf(*response), "creators_only");
  EXPECT_EQ(h.drops.create_product.calls(), 0);
}

// Images are uploaded (POST /v1/products/{id}/images); free strings, a javascript: URL among
// them, were taken before.
TEST(DropRoutes, CreateProduct_WithImageUrls_Is400WithoutCallingDrops) {
  RouteHarness h;
  const auto response = h.SendAs(
      kCreator, "creator",
      MakeRequest("POST", "/v1/products",
                  R"j({"title":"Hoodie","unit_amount":4999,"currency":"EUR",)j"
                  R"j("image_urls":["javascript:alert(1)"]})j"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(ProblemCodeOf(*response), "validation_failed");
  EXPECT_EQ(h.drops.create_product.calls(), 0);
}

TEST(DropRoutes, CreateProduct_AsCreator_SendsCallerAndPrice_Answers201) {
  RouteHarness h;
  drops::v1::CreateProductResponse answer;
  *answer.mutable_product() = SampleProduct();
  h.drops.create_product.Answer(answer);
  const auto response = h.SendAs(
      kCreator, "creator",
      MakeRequest("POST", "/v1/products",
                  R"({"title":"Hoodie","unit_amount":4999,"currency":"EUR"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  const auto seen = h.drops.create_product.last();
  EXPECT_EQ(seen.creator_id(), kCreator);
  EXPECT_EQ(seen.title(), "Hoodie");
  EXPECT_EQ(seen.description(), "");
  EXPECT_EQ(seen.price().unit_amount(), 4999);
  EXPECT_EQ(seen.price().currency(), "EUR");
  EXPECT_EQ(seen.image_urls_size(), 0);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("id").as_string(), "prod-1");
  EXPECT_EQ(body.at("unit_amount").as_int64(), 4999);
}

TEST(DropRoutes, CreateDrop_MapsTimesLimitsAndCaller) {
  RouteHarness h;
  auto drop = SampleDrop();
  drop.set_status(drops::v1::DROP_STATUS_SCHEDULED);
  drops::v1::CreateDropResponse answer;
  *answer.mutable_drop() = drop;
  h.drops.create_drop.Answer(answer);
  const auto response = h.SendAs(
      kCreator, "creator",
      MakeRequest("POST", "/v1/drops",
                  R"({"product_id":"prod-1","starts_at":"2026-12-01T19:00:00+01:00",)"
                  R"("ends_at":"2026-12-01T19:30:00.250Z","quantity":100,"per_buyer_limit":2})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  const auto seen = h.drops.create_drop.last();
  EXPECT_EQ(seen.creator_id(), kCreator);
  EXPECT_EQ(seen.product_id(), "prod-1");
  EXPECT_EQ(seen.starts_at().seconds(), At("2026-12-01T18:00:00Z").seconds());
  EXPECT_EQ(seen.ends_at().seconds(), At("2026-12-01T19:30:00Z").seconds());
  EXPECT_EQ(seen.ends_at().nanos(), 250'000'000);
  EXPECT_EQ(seen.quantity(), 100);
  EXPECT_EQ(seen.per_buyer_limit(), 2);
  EXPECT_EQ(BodyOf(*response).at("status").as_string(), "scheduled");
}

TEST(DropRoutes, CreateDrop_StartsAtNotATime_Is400NamingTheFieldWithoutCallingDrops) {
  RouteHarness h;
  const auto response = h.SendAs(
      kCreator, "creator",
      MakeRequest("POST", "/v1/drops",
                  R"({"product_id":"prod-1","starts_at":"tomorrow",)"
                  R"("ends_at":"2026-12-01T19:30:00Z","quantity":100,"per_buyer_limit":2})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(ProblemCodeOf(*response), "validation_failed");
  EXPECT_EQ(BodyOf(*response).at("field").as_string(), "starts_at");
  EXPECT_EQ(h.drops.create_drop.calls(), 0);
}

TEST(DropRoutes, CancelDrop_PathIdAndCallerReachDrops_NotOwnerIs403FromTheService) {
  RouteHarness h;
  h.drops.cancel_drop.Fail(Error(ErrorKind::kPermissionDenied, "not_owner", "not your drop"));
  const auto response =
      h.SendAs(kCreator, "creator", MakeRequest("POST", "/v1/drops/drop-9/cancel"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ProblemCodeOf(*response), "not_owner");
  EXPECT_EQ(BodyOf(*response).at("detail").as_string(), "not your drop");
  EXPECT_EQ(h.drops.cancel_drop.last().id(), "drop-9");
  EXPECT_EQ(h.drops.cancel_drop.last().creator_id(), kCreator);
}

TEST(DropRoutes, GetProduct_PercentEncodedId_ReachesDropsDecoded) {
  RouteHarness h;
  drops::v1::GetProductResponse answer;
  *answer.mutable_product() = SampleProduct();
  h.drops.get_product.Answer(answer);
  const auto response = h.Send(MakeRequest("GET", "/v1/products/prod%2F1%20a"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(h.drops.get_product.last().id(), "prod/1 a");
}

// --- POST /v1/orders -------------------------------------------------------------------------

TEST(OrderRoutes, PlaceOrder_KeyBodyAndCallerReachOrders_Answers201WithTheOrder) {
  RouteHarness h;
  orders::v1::PlaceOrderResponse answer;
  *answer.mutable_order() = SampleOrder(orders::v1::ORDER_STATUS_CONFIRMED);
  h.orders.place_order.Answer(answer);
  const auto response = h.SendAs(kBuyer, "buyer", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_FALSE(response->headers.Get("Idempotent-Replayed").has_value());
  const auto seen = h.orders.place_order.last();
  EXPECT_EQ(seen.idempotency_key(), "key-123");
  EXPECT_EQ(seen.buyer_id(), kBuyer);
  EXPECT_EQ(seen.drop_id(), "drop-1");
  EXPECT_EQ(seen.quantity(), 2);
  EXPECT_EQ(seen.payment_token(), "tok_visa");
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("status").as_string(), "confirmed");
  EXPECT_EQ(body.at("amount").as_int64(), 9998);
  EXPECT_EQ(body.at("currency").as_string(), "EUR");
  EXPECT_EQ(body.at("created_at").as_string(), "2026-12-01T18:00:01.500Z");
  EXPECT_FALSE(body.contains("failure_code"));
  EXPECT_FALSE(body.at("refunded").as_bool());
  EXPECT_FALSE(body.contains("buyer_id"));
}

// The gateway does not check the header itself: orders does (idempotency_key_missing), so
// the key travels empty and the service's 400 comes back.
TEST(OrderRoutes, PlaceOrder_NoIdempotencyKey_PassesNoKeyAndAnswersOrders400) {
  RouteHarness h;
  h.orders.place_order.Fail(Error(ErrorKind::kInvalidArgument, "idempotency_key_missing",
                                  "the Idempotency-Key header is required"));
  const auto response = h.SendAs(kBuyer, "buyer", PlaceOrderRequest(""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(ProblemCodeOf(*response), "idempotency_key_missing");
  ASSERT_EQ(h.orders.place_order.calls(), 1);
  EXPECT_EQ(h.orders.place_order.last().idempotency_key(), "");
}

TEST(OrderRoutes, PlaceOrder_Replayed_SetsIdempotentReplayedHeader) {
  RouteHarness h;
  orders::v1::PlaceOrderResponse answer;
  *answer.mutable_order() = SampleOrder(orders::v1::ORDER_STATUS_CONFIRMED);
  answer.set_replayed(true);
  h.orders.place_order.Answer(answer);
  const auto response = h.SendAs(kBuyer, "buyer", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->headers.Get("Idempotent-Replayed").value_or(""), "true");
  EXPECT_FALSE(response->headers.Get("X-Request-Id").value_or("").empty());
}

// A replayed refusal (the first request's declined payment) carries the header too.
TEST(OrderRoutes, PlaceOrder_ReplayedProblem_SetsIdempotentReplayedHeader) {
  RouteHarness h;
  h.orders.place_order.Fail(Error(ErrorKind::kFailedPrecondition, "payment_declined",
                                  "the payment was not accepted",
                                  {{"order_id", "o-1"}, {"replayed", "true"}}));
  const auto replayed = h.SendAs(kBuyer, "buyer", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->headers.Get("Idempotent-Replayed").value_or(""), "true");
  h.orders.place_order.Fail(Error(ErrorKind::kFailedPrecondition, "payment_declined",
                                  "the payment was not accepted", {{"order_id", "o-1"}}));
  const auto first = h.SendAs(kBuyer, "buyer", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->headers.Get("Idempotent-Replayed").has_value());
}

TEST(OrderRoutes, PlaceOrder_AsCreator_Is403BuyersOnlyWithoutCallingOrders) {
  RouteHarness h;
  const auto response = h.SendAs(kCreator, "creator", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ProblemCodeOf(*response), "buyers_only");
  EXPECT_EQ(h.orders.place_order.calls(), 0);
}

TEST(OrderRoutes, PlaceOrder_WithoutToken_Is401WithoutCallingOrders) {
  RouteHarness h;
  const auto response = h.Send(PlaceOrderRequest("key-123"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(ProblemCodeOf(*response), "unauthenticated");
  EXPECT_EQ(h.orders.place_order.calls(), 0);
}

TEST(OrderRoutes, PlaceOrder_QuantityNotAnInteger_Is400WithoutCallingOrders) {
  RouteHarness h;
  auto request = MakeRequest("POST", "/v1/orders",
                             R"({"drop_id":"drop-1","quantity":"two","payment_token":"tok_visa"})");
  request.headers.Set("Idempotency-Key", "key-123");
  const auto response = h.SendAs(kBuyer, "buyer", std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(BodyOf(*response).at("field").as_string(), "quantity");
  EXPECT_EQ(h.orders.place_order.calls(), 0);
}

TEST(OrderRoutes, PlaceOrder_PaymentDeclined_Is402CarryingOrderIdAndReason) {
  RouteHarness h;
  h.orders.place_order.Fail(Error(ErrorKind::kFailedPrecondition, "payment_declined",
                                  "the card was declined",
                                  {{"order_id", "order-7"}, {"reason", "card_declined"}}));
  const auto response = h.SendAs(kBuyer, "buyer", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 402);
  EXPECT_EQ(ProblemCodeOf(*response), "payment_declined");
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("order_id").as_string(), "order-7");
  EXPECT_EQ(body.at("reason").as_string(), "card_declined");
  EXPECT_EQ(body.at("detail").as_string(), "the card was declined");
}

// PlaceOrder has side effects: the channel must never repeat it, not even on UNAVAILABLE
// (a repeat is the client's to make, with the same Idempotency-Key).
TEST(OrderRoutes, PlaceOrder_OrdersUnavailable_Is503AndNotRetriedByTheChannel) {
  RouteHarness h;
  h.orders.place_order.Fail(Error(ErrorKind::kUnavailable, "unavailable", "draining"));
  const auto response = h.SendAs(kBuyer, "buyer", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(ProblemCodeOf(*response), "unavailable");
  EXPECT_EQ(h.orders.place_order.calls(), 1);
}

TEST(OrderRoutes, PlaceOrder_KeyReusedWithAnotherBody_Is422) {
  RouteHarness h;
  h.orders.place_order.Fail(
      Error(ErrorKind::kFailedPrecondition, "idempotency_key_reused", "different body"));
  const auto response = h.SendAs(kBuyer, "buyer", PlaceOrderRequest("key-123"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 422);
  EXPECT_EQ(ProblemCodeOf(*response), "idempotency_key_reused");
}

TEST(OrderRoutes, PlaceOrder_SoldOut_Is409SoldOutWithTheRequestId) {
  RouteHarness h;
  h.orders.place_order.Fail(Error(ErrorKind::kFailedPrecondition, "sold_out", "sold out"));
  auto request = PlaceOrderRequest("key-123");
  request.headers.Set("X-Request-Id", "req-sold-out-1");
  const auto response = h.SendAs(kBuyer, "buyer", std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 409);
  EXPECT_EQ(ProblemCodeOf(*response), "sold_out");
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("request_id").as_string(), "req-sold-out-1");
  EXPECT_EQ(body.at("type").as_string(), "https://livedrop.dev/problems/sold_out");
  EXPECT_EQ(response->headers.Get("X-Request-Id").value_or(""), "req-sold-out-1");
}

// --- reading and cancelling orders -----------------------------------------------------------

TEST(OrderRoutes, GetOrder_InternalError_Is500AndHidesTheDetail) {
  RouteHarness h;
  h.orders.get_order.Fail(
      Error(ErrorKind::kInternal, "db_failed", "connection to 10.0.0.7 refused, password=x"));
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/orders/order-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(ProblemCodeOf(*response), "internal");
  EXPECT_EQ(response->body.find("10.0.0.7"), std::string::npos);
  EXPECT_EQ(response->body.find("db_failed"), std::string::npos);
  EXPECT_FALSE(BodyOf(*response).at("request_id").as_string().empty());
}

TEST(OrderRoutes, GetOrder_OrdersUnavailable_Is503WithRetryAfter) {
  RouteHarness h;
  h.orders.get_order.Fail(Error(ErrorKind::kUnavailable, "unavailable", "draining"));
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/orders/order-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(ProblemCodeOf(*response), "unavailable");
  EXPECT_EQ(response->headers.Get("Retry-After").value_or(""), "1");
}

// The gateway's own deadline on the downstream call, not an error the service chose.
TEST(OrderRoutes, GetOrder_SlowerThanTheUpstreamTimeout_Is504) {
  RouteHarness::Options options;
  options.upstream_timeout = 300ms;
  RouteHarness h(options);
  h.orders.get_order.Answer(orders::v1::GetOrderResponse{});
  h.orders.get_order.Hold();
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/orders/order-1"));
  h.orders.get_order.Release();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 504);
  EXPECT_EQ(ProblemCodeOf(*response), "deadline_exceeded");
}

TEST(OrderRoutes, GetOrder_RefundedOrderOfACancelledDrop_SaysRefunded) {
  RouteHarness h;
  auto order = SampleOrder(orders::v1::ORDER_STATUS_CANCELLED);
  order.set_failure_code("drop_cancelled");
  order.set_refunded(true);
  orders::v1::GetOrderResponse answer;
  *answer.mutable_order() = order;
  h.orders.get_order.Answer(answer);
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/orders/order-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("status").as_string(), "cancelled");
  EXPECT_EQ(body.at("failure_code").as_string(), "drop_cancelled");
  EXPECT_TRUE(body.at("refunded").as_bool());
}

TEST(OrderRoutes, GetOrder_FailedOrder_ShowsStatusAndFailureCode_AsksForCallersOrder) {
  RouteHarness h;
  auto order = SampleOrder(orders::v1::ORDER_STATUS_FAILED);
  order.set_failure_code("payment_declined");
  orders::v1::GetOrderResponse answer;
  *answer.mutable_order() = order;
  h.orders.get_order.Answer(answer);
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/orders/order-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(h.orders.get_order.last().id(), "order-1");
  EXPECT_EQ(h.orders.get_order.last().buyer_id(), kBuyer);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("status").as_string(), "failed");
  EXPECT_EQ(body.at("failure_code").as_string(), "payment_declined");
  EXPECT_EQ(body.at("quantity").as_int64(), 2);
}

TEST(OrderRoutes, CancelOrder_PathIdAndCallerReachOrders) {
  RouteHarness h;
  orders::v1::CancelOrderResponse answer;
  *answer.mutable_order() = SampleOrder(orders::v1::ORDER_STATUS_CANCELLED);
  h.orders.cancel_order.Answer(answer);
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("POST", "/v1/orders/order-1/cancel"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(h.orders.cancel_order.last().id(), "order-1");
  EXPECT_EQ(h.orders.cancel_order.last().buyer_id(), kBuyer);
  EXPECT_EQ(BodyOf(*response).at("status").as_string(), "cancelled");
}

TEST(OrderRoutes, ListMyOrders_CallerAndPagingReachOrders) {
  RouteHarness h;
  orders::v1::ListOrdersResponse answer;
  *answer.add_items() = SampleOrder(orders::v1::ORDER_STATUS_PENDING);
  *answer.add_items() = SampleOrder(orders::v1::ORDER_STATUS_CONFIRMED);
  answer.set_next_cursor("page-3");
  h.orders.list_orders.Answer(answer);
  const auto response =
      h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/me/orders?limit=2&cursor=page-2"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto seen = h.orders.list_orders.last();
  EXPECT_EQ(seen.buyer_id(), kBuyer);
  EXPECT_EQ(seen.limit(), 2);
  EXPECT_EQ(seen.cursor(), "page-2");
  const auto body = BodyOf(*response);
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].as_object().at("status").as_string(), "pending");
  EXPECT_EQ(items[1].as_object().at("status").as_string(), "confirmed");
  EXPECT_EQ(body.at("next_cursor").as_string(), "page-3");
}

}  // namespace
}  // namespace livedrop::gateway
