// The notification each source event becomes, with no database: audience, id, type, time and
// data, and the checks that make an event malformed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "livedrop/testing/errors.h"
#include "notifications_logic.h"
#include "test_events.h"

namespace livedrop::notifications {
namespace {

using livedrop::testing::ErrorCodeOf;
using namespace testing;  // NOLINT: the test events
using namespace std::chrono_literals;

boost::json::object Json(const std::string& text) { return boost::json::parse(text).as_object(); }

const std::string kCreator = NewUuid();
const std::string kDrop = NewUuid();

TEST(NotificationBuilders, DropStarted_IsABroadcastOfTheDropsCreatorUnderTheEventsId) {
  const auto when = Now() - 5s;
  const auto source = At(DropStarted(kDrop, kCreator), when);
  const auto row =
      DropStartedNotification(source, kafka::UnpackPayload<drops::v1::DropStarted>(source), "Tee");
  EXPECT_EQ(row.id, source.id());
  EXPECT_EQ(row.type, "drop_started");
  EXPECT_EQ(row.time, when);
  EXPECT_EQ(row.audience, Audience::kCreator);
  EXPECT_EQ(row.audience_id, kCreator);
  EXPECT_EQ(row.seq, 0);
  const auto data = Json(row.data_json);
  EXPECT_EQ(data.at("drop_id").as_string(), kDrop);
  EXPECT_EQ(data.at("title").as_string(), "Tee");
  EXPECT_TRUE(data.contains("scheduled_start"));
}

TEST(NotificationBuilders, DropStartedWithoutScheduledStart_UsesTheDropsStart) {
  auto source = DropStarted(kDrop, kCreator);
  auto event = kafka::UnpackPayload<drops::v1::DropStarted>(source);
  event.clear_scheduled_start();
  const auto data = Json(DropStartedNotification(source, event, "").data_json);
  EXPECT_EQ(data.at("scheduled_start"), data.at("starts_at"));
  EXPECT_FALSE(data.contains("title"));
}

TEST(NotificationBuilders, DropEnded_IsABroadcastOfTheDropsCreator) {
  const auto source = DropEnded(kDrop, kCreator);
  const auto row =
      DropEndedNotification(source, kafka::UnpackPayload<drops::v1::DropEnded>(source), "");
  EXPECT_EQ(row.type, "drop_ended");
  EXPECT_EQ(row.audience, Audience::kCreator);
  EXPECT_EQ(row.audience_id, kCreator);
  EXPECT_TRUE(Json(row.data_json).contains("ends_at"));
}

TEST(NotificationBuilders, SoldOut_IsABroadcastOfTheGivenCreator) {
  const auto source = SoldOut(kDrop);
  const auto row =
      SoldOutNotification(source, kafka::UnpackPayload<inventory::v1::SoldOut>(source), kCreator);
  EXPECT_EQ(row.type, "sold_out");
  EXPECT_EQ(row.audience, Audience::kCreator);
  EXPECT_EQ(row.audience_id, kCreator);
  EXPECT_EQ(Json(row.data_json).at("creator_id").as_string(), kCreator);
}

TEST(NotificationBuilders, LowStock_CarriesAvailableAndTotal) {
  const auto source = LowStock(kDrop, 3, 40);
  const auto row =
      LowStockNotification(source, kafka::UnpackPayload<inventory::v1::LowStock>(source), kCreator);
  EXPECT_EQ(row.type, "low_stock");
  EXPECT_EQ(row.audience_id, kCreator);
  EXPECT_EQ(Json(row.data_json).at("available").as_int64(), 3);
  EXPECT_EQ(Json(row.data_json).at("total").as_int64(), 40);
}

TEST(NotificationBuilders, ParkedStockEvent_IsReadByItsPayloadType) {
  EXPECT_EQ(StockNotification(SoldOut(kDrop), kCreator).type, "sold_out");
  const auto low = StockNotification(LowStock(kDrop, 1, 10), kCreator);
  EXPECT_EQ(low.type, "low_stock");
  EXPECT_EQ(Json(low.data_json).at("available").as_int64(), 1);
  EXPECT_EQ(ErrorCodeOf([] { StockNotification(Restocked(kDrop), kCreator); }),
            "payload_type_mismatch");
}

TEST(NotificationBuilders, OrderConfirmed_IsPersonalToTheBuyerWithoutReason) {
  const auto buyer = NewUuid();
  const auto source = OrderConfirmed(buyer);
  const auto row =
      OrderConfirmedNotification(source, kafka::UnpackPayload<orders::v1::OrderConfirmed>(source));
  EXPECT_EQ(row.type, "order_confirmed");
  EXPECT_EQ(row.audience, Audience::kUser);
  EXPECT_EQ(row.audience_id, buyer);
  EXPECT_FALSE(Json(row.data_json).contains("reason"));
}

TEST(NotificationBuilders, OrderFailed_ReasonFromTheEventElseTheOrderElseFailed) {
  const auto buyer = NewUuid();
  auto source = OrderFailed(buyer, "payment_declined");
  auto event = kafka::UnpackPayload<orders::v1::OrderFailed>(source);
  EXPECT_EQ(Json(OrderFailedNotification(source, event).data_json).at("reason"),
            "payment_declined");
  event.clear_reason();
  event.mutable_order()->set_failure_code("sold_out");
  EXPECT_EQ(Json(OrderFailedNotification(source, event).data_json).at("reason"), "sold_out");
  event.mutable_order()->clear_failure_code();
  EXPECT_EQ(Json(OrderFailedNotification(source, event).data_json).at("reason"), "failed");
  EXPECT_EQ(OrderFailedNotification(source, event).audience_id, buyer);
}

TEST(NotificationBuilders, OrderRefunded_IsPersonalToTheBuyerWithTheRefundAndItsReason) {
  const auto buyer = NewUuid();
  const auto when = Now() - 3s;
  auto source = At(OrderRefunded(buyer, "drop_cancelled"), when);
  auto event = kafka::UnpackPayload<orders::v1::OrderRefunded>(source);
  const auto row = OrderRefundedNotification(source, event);
  EXPECT_EQ(row.id, source.id());
  EXPECT_EQ(row.type, "order_refunded");
  EXPECT_EQ(row.time, when);
  EXPECT_EQ(row.audience, Audience::kUser);
  EXPECT_EQ(row.audience_id, buyer);
  const auto data = Json(row.data_json);
  EXPECT_EQ(data.at("order_id").as_string(), event.order().id());
  EXPECT_EQ(data.at("drop_id").as_string(), event.order().drop_id());
  EXPECT_EQ(data.at("amount"), 2500);
  EXPECT_EQ(data.at("currency"), "EUR");
  EXPECT_EQ(data.at("quantity"), 1);
  EXPECT_EQ(data.at("status"), "cancelled");
  EXPECT_EQ(data.at("reason"), "drop_cancelled");
  // The reason: the event's, else the order's failure code, else "refunded".
  event.clear_reason();
  event.mutable_order()->set_failure_code("payment_reversed");
  EXPECT_EQ(Json(OrderRefundedNotification(source, event).data_json).at("reason"),
            "payment_reversed");
  event.mutable_order()->clear_failure_code();
  EXPECT_EQ(Json(OrderRefundedNotification(source, event).data_json).at("reason"), "refunded");
  event.mutable_order()->set_buyer_id("someone");
  EXPECT_EQ(ErrorCodeOf([&] { OrderRefundedNotification(source, event); }), "malformed_event");
}

TEST(NotificationBuilders, OrderOfABuyerThatIsNotAUuid_IsMalformed) {
  const auto source = OrderConfirmed("someone");
  EXPECT_EQ(ErrorCodeOf([&] {
              OrderConfirmedNotification(source,
                                         kafka::UnpackPayload<orders::v1::OrderConfirmed>(source));
            }),
            "malformed_event");
}

TEST(NotificationBuilders, DropWithIdsThatAreNotUuids_IsMalformed) {
  const auto source = DropStarted(kDrop, kCreator);
  auto drop = kafka::UnpackPayload<drops::v1::DropStarted>(source).drop();
  EXPECT_EQ(ErrorCodeOf([&] { RequireWellFormed(source, drop); }), "none");
  drop.set_product_id("");  // unknown product: allowed
  EXPECT_EQ(ErrorCodeOf([&] { RequireWellFormed(source, drop); }), "none");
  drop.set_creator_id("nobody");
  EXPECT_EQ(ErrorCodeOf([&] { RequireWellFormed(source, drop); }), "malformed_event");
}

TEST(NotificationBuilders, EventWithoutTime_IsTimedNow) {
  auto source = SoldOut(kDrop);
  source.clear_time();
  const auto before = Now();
  const auto row = SoldOutNotification(source, inventory::v1::SoldOut(), kCreator);
  EXPECT_GE(row.time, before);
  EXPECT_LE(row.time, Now());
}

}  // namespace
}  // namespace livedrop::notifications
