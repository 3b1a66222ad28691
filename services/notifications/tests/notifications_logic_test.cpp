// The JSON `data` of each notification type and the inbox API's input rules.
#include "notifications_logic.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "livedrop/testing/errors.h"

namespace livedrop::notifications {
namespace {

using testing::ErrorCodeOf;

boost::json::object Parse(const std::string& text) { return boost::json::parse(text).as_object(); }

TimePoint At(std::int64_t unix_seconds, int millis = 0) {
  return TimePoint(std::chrono::seconds(unix_seconds) + std::chrono::milliseconds(millis));
}

drops::v1::Drop SampleDrop() {
  drops::v1::Drop drop;
  drop.set_id("11111111-1111-4111-8111-111111111111");
  drop.set_creator_id("22222222-2222-4222-8222-222222222222");
  drop.set_product_id("33333333-3333-4333-8333-333333333333");
  rpc::SetTimestamp(At(1'800'000'000, 250), drop.mutable_starts_at());
  rpc::SetTimestamp(At(1'800'003'600), drop.mutable_ends_at());
  drop.set_quantity(100);
  drop.set_per_buyer_limit(2);
  return drop;
}

TEST(NotificationData, DropStarted_CarriesDropCreatorTimesAndQuantity) {
  const auto data = Parse(DropStartedData(SampleDrop(), At(1'800'000'000), "Tee"));
  EXPECT_EQ(data.at("drop_id").as_string(), "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(data.at("creator_id").as_string(), "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(data.at("product_id").as_string(), "33333333-3333-4333-8333-333333333333");
  EXPECT_EQ(data.at("title").as_string(), "Tee");
  EXPECT_EQ(data.at("starts_at").as_string(), "2027-01-15T08:00:00.250Z");
  EXPECT_EQ(data.at("scheduled_start").as_string(), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(data.at("ends_at").as_string(), "2027-01-15T09:00:00.000Z");
  EXPECT_EQ(data.at("quantity").as_int64(), 100);
  EXPECT_EQ(data.at("per_buyer_limit").as_int64(), 2);
}

TEST(NotificationData, DropStarted_UnknownTitle_IsLeftOut) {
  const auto data = Parse(DropStartedData(SampleDrop(), At(1'800'000'000), ""));
  EXPECT_FALSE(data.contains("title"));
}

TEST(NotificationData, DropEnded_CarriesDropCreatorAndEnd) {
  const auto data = Parse(DropEndedData(SampleDrop(), "Tee"));
  EXPECT_EQ(data.at("drop_id").as_string(), "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(data.at("creator_id").as_string(), "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(data.at("title").as_string(), "Tee");
  EXPECT_EQ(data.at("ends_at").as_string(), "2027-01-15T09:00:00.000Z");
  EXPECT_FALSE(data.contains("quantity"));
}

TEST(NotificationData, SoldOut_IsDropAndCreatorOnly) {
  inventory::v1::SoldOut event;
  event.set_drop_id("d");
  EXPECT_EQ(Parse(SoldOutData(event, "c")), Parse(R"({"drop_id":"d","creator_id":"c"})"));
}

TEST(NotificationData, LowStock_CarriesAvailableAndTotal) {
  inventory::v1::LowStock event;
  event.set_drop_id("d");
  event.set_available(4);
  event.set_total(50);
  EXPECT_EQ(Parse(LowStockData(event, "c")),
            Parse(R"({"drop_id":"d","creator_id":"c","available":4,"total":50})"));
}

orders::v1::Order SampleOrder(orders::v1::OrderStatus status) {
  orders::v1::Order order;
  order.set_id("o");
  order.set_buyer_id("b");
  order.set_drop_id("d");
  order.set_quantity(2);
  order.set_amount(5998);
  order.set_currency("EUR");
  order.set_status(status);
  return order;
}

TEST(NotificationData, OrderConfirmed_HasNoReasonAndNoBuyer) {
  const auto data = Parse(OrderData(SampleOrder(orders::v1::ORDER_STATUS_CONFIRMED), ""));
  EXPECT_EQ(data, Parse(R"({"order_id":"o","drop_id":"d","quantity":2,"amount":5998,
                            "currency":"EUR","status":"confirmed"})"));
}

TEST(NotificationData, OrderFailed_CarriesReason) {
  const auto data =
      Parse(OrderData(SampleOrder(orders::v1::ORDER_STATUS_FAILED), "payment_declined"));
  EXPECT_EQ(data.at("status").as_string(), "failed");
  EXPECT_EQ(data.at("reason").as_string(), "payment_declined");
}

TEST(NotificationData, Strings_AreEscaped) {
  inventory::v1::SoldOut event;
  event.set_drop_id("a\"b\\c\n");
  EXPECT_EQ(Parse(SoldOutData(event, "c")).at("drop_id").as_string(), "a\"b\\c\n");
}

TEST(SinceLimit, ZeroIsDefault_RangeIsOneToThousand) {
  EXPECT_EQ(SinceLimit(0), 500);
  EXPECT_EQ(SinceLimit(1), 1);
  EXPECT_EQ(SinceLimit(1000), 1000);
  EXPECT_EQ(ErrorCodeOf([] { SinceLimit(1001); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([] { SinceLimit(-1); }), "validation_failed");
}

}  // namespace
}  // namespace livedrop::notifications
