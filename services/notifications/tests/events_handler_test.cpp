// Each source event becomes the right notification for the right audience, stored once and
// written to the outbox once, whatever the redelivery.
#include "events_handler.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <pqxx/pqxx>
#include <span>

#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/notifications/v1/notifications.pb.h"
#include "livedrop/testing/service_database.h"
#include "notifications_app.h"
#include "notifications_migrations.h"
#include "test_events.h"

namespace livedrop::notifications {
namespace {

using namespace testing;  // NOLINT: the test events
using events::v1::Envelope;

struct Published {
  std::string key;
  Envelope envelope;
  v1::Notification notification;
};

boost::json::object Json(const std::string& text) { return boost::json::parse(text).as_object(); }

class EventsHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<livedrop::testing::ServiceDatabase>("notifications", Migrations(), 2);
    pool_ = &db_->pool();
    app_ = std::make_unique<NotificationsApp>(*pool_);
    handler_ = std::make_unique<EventsHandler>(*app_);
  }

  EventsHandler::Outcome Handle(const Envelope& envelope) {
    kafka::Message message;
    message.payload = kafka::SerializeEnvelope(envelope);
    (*handler_)(message);                       // the consumer's path
    return last_ = handler_->Handle(envelope);  // and once more: a redelivery
  }
  // Handles once through the consumer's entry point.
  void HandleOnce(const Envelope& envelope) {
    kafka::Message message;
    message.payload = kafka::SerializeEnvelope(envelope);
    (*handler_)(message);
  }

  // Handles `envelopes` as one batch of the consumer.
  void HandleBatch(const std::vector<Envelope>& envelopes) {
    std::vector<kafka::Message> batch(envelopes.size());
    for (size_t i = 0; i < envelopes.size(); ++i) {
      batch[i].payload = kafka::SerializeEnvelope(envelopes[i]);
    }
    (*handler_)(std::span<const kafka::Message>(batch));
  }

  std::int64_t Count(const std::string& sql) {
    return pool_->Transact([&](pqxx::work& tx) { return tx.exec1(sql)[0].as<std::int64_t>(); });
  }

  std::vector<Published> Outbox() {
    std::vector<Published> out;
    for (auto& row : db_->OutboxEvents()) {
      EXPECT_EQ(row.topic, "livedrop.notifications");
      EXPECT_EQ(row.event_type, "notification");
      Published p;
      p.key = row.key;
      p.envelope = std::move(row.envelope);
      p.notification = kafka::UnpackPayload<v1::Notification>(p.envelope);
      out.push_back(std::move(p));
    }
    return out;
  }

  std::unique_ptr<livedrop::testing::ServiceDatabase> db_;
  pg::Pool* pool_ = nullptr;
  std::unique_ptr<NotificationsApp> app_;
  std::unique_ptr<EventsHandler> handler_;
  EventsHandler::Outcome last_;
  const std::string creator_ = NewUuid();
  const std::string drop_ = NewUuid();
};

TEST_F(EventsHandlerTest, DropStarted_IsOneBroadcastOfTheCreator_PublishedKeyedByCreator) {
  const auto when = Now() - std::chrono::seconds(3);
  HandleOnce(DropScheduled(drop_, creator_));
  EXPECT_EQ(Count("SELECT count(*) FROM broadcasts"), 0);  // scheduling tells nobody
  const auto event = At(DropStarted(drop_, creator_), when);
  HandleOnce(event);

  EXPECT_EQ(Count("SELECT count(*) FROM broadcasts"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications"), 0);
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, creator_);
  EXPECT_EQ(out[0].envelope.type(), "notification");
  EXPECT_EQ(out[0].envelope.subject(), creator_);
  const auto& n = out[0].notification;
  EXPECT_EQ(n.id(), event.id());
  EXPECT_GT(n.seq(), 0);
  EXPECT_EQ(n.type(), "drop_started");
  EXPECT_EQ(n.creator_id(), creator_);
  EXPECT_EQ(n.audience_case(), v1::Notification::kCreatorId);
  EXPECT_EQ(rpc::FromTimestamp(n.time()), when);
  const auto data = Json(n.data_json());
  EXPECT_EQ(data.at("drop_id").as_string(), drop_);
  EXPECT_EQ(data.at("creator_id").as_string(), creator_);
  EXPECT_EQ(data.at("quantity").as_int64(), 10);
  EXPECT_TRUE(data.contains("scheduled_start"));
}

TEST_F(EventsHandlerTest, SameEnvelopeTwice_StoresOneRowAndWritesOneOutboxRow) {
  auto& duplicates =
      metrics::Registry::Default().GetCounter("livedrop_notifications_duplicates_total", "");
  const double duplicates_before = duplicates.Value();
  const auto event = DropStarted(drop_, creator_);
  Handle(event);  // handled twice
  EXPECT_TRUE(last_.stored.empty());
  EXPECT_EQ(last_.duplicates, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM broadcasts"), 1);
  EXPECT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(duplicates.Value(), duplicates_before + 1);

  const auto order = OrderConfirmed(NewUuid());
  Handle(order);
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications"), 1);
  EXPECT_EQ(Outbox().size(), 2u);
}

TEST_F(EventsHandlerTest, DropEnded_IsABroadcastOfTheCreator) {
  HandleOnce(DropEnded(drop_, creator_));
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].notification.type(), "drop_ended");
  EXPECT_EQ(out[0].notification.creator_id(), creator_);
  EXPECT_EQ(Json(out[0].notification.data_json()).at("drop_id").as_string(), drop_);
}

TEST_F(EventsHandlerTest, SoldOutAndLowStock_OfAKnownDrop_AreBroadcastsOfItsCreator) {
  auto& stored = metrics::Registry::Default().GetCounter("livedrop_notifications_stored_total", "",
                                                         {{"type", "low_stock"}});
  const double stored_before = stored.Value();
  HandleOnce(DropScheduled(drop_, creator_));
  HandleOnce(LowStock(drop_, 1, 10));
  HandleOnce(SoldOut(drop_));
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].notification.type(), "low_stock");
  EXPECT_EQ(out[0].key, creator_);
  EXPECT_EQ(Json(out[0].notification.data_json()),
            Json(R"({"drop_id":")" + drop_ + R"(","creator_id":")" + creator_ +
                 R"(","available":1,"total":10})"));
  EXPECT_EQ(out[1].notification.type(), "sold_out");
  EXPECT_EQ(out[1].notification.creator_id(), creator_);
  EXPECT_LT(out[0].notification.seq(), out[1].notification.seq());
  EXPECT_EQ(stored.Value(), stored_before + 1);
}

TEST_F(EventsHandlerTest, SoldOutBeforeItsDropIsKnown_IsParkedThenBroadcastOnceTheDropIsLearnt) {
  const auto sold_out = SoldOut(drop_);
  Handle(sold_out);  // twice while parked
  EXPECT_EQ(last_.parked, 0);
  EXPECT_EQ(last_.duplicates, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM pending_broadcasts"), 1);
  EXPECT_TRUE(Outbox().empty());

  HandleOnce(DropScheduled(drop_, creator_));
  EXPECT_EQ(Count("SELECT count(*) FROM pending_broadcasts"), 0);
  auto out = Outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].notification.id(), sold_out.id());
  EXPECT_EQ(out[0].notification.type(), "sold_out");
  EXPECT_EQ(out[0].notification.creator_id(), creator_);

  HandleOnce(sold_out);  // redelivered after it was resolved
  EXPECT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM pending_broadcasts"), 0);
}

TEST_F(EventsHandlerTest, OrderConfirmedAndFailed_ArePersonalNotificationsOfTheBuyer) {
  const std::string buyer = NewUuid();
  const auto confirmed = OrderConfirmed(buyer);
  const auto failed = OrderFailed(buyer, "payment_declined");
  HandleOnce(confirmed);
  HandleOnce(failed);
  EXPECT_EQ(Count("SELECT count(*) FROM broadcasts"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications WHERE user_id = '" + buyer + "'"),
            2);
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].key, buyer);
  EXPECT_EQ(out[0].notification.user_id(), buyer);
  EXPECT_EQ(out[0].notification.audience_case(), v1::Notification::kUserId);
  EXPECT_EQ(out[0].notification.id(), confirmed.id());
  const auto confirmed_data = Json(out[0].notification.data_json());
  EXPECT_EQ(confirmed_data.at("status").as_string(), "confirmed");
  EXPECT_EQ(confirmed_data.at("amount").as_int64(), 2500);
  EXPECT_EQ(confirmed_data.at("currency").as_string(), "EUR");
  EXPECT_FALSE(confirmed_data.contains("reason"));
  EXPECT_EQ(out[1].notification.type(), "order_failed");
  EXPECT_EQ(Json(out[1].notification.data_json()).at("reason").as_string(), "payment_declined");
}

TEST_F(EventsHandlerTest, OrderRefunded_IsOnePersonalNotificationOfTheBuyer_StoredOnce) {
  const std::string buyer = NewUuid();
  const auto refunded = OrderRefunded(buyer, "drop_cancelled");
  const auto order = kafka::UnpackPayload<orders::v1::OrderRefunded>(refunded).order();
  const auto outcome = Handle(refunded);  // handled, then redelivered
  EXPECT_TRUE(outcome.stored.empty());
  EXPECT_EQ(outcome.duplicates, 1);
  HandleOnce(refunded);  // and replayed once more
  EXPECT_EQ(Count("SELECT count(*) FROM broadcasts"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications WHERE user_id = '" + buyer + "'"),
            1);
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, buyer);
  EXPECT_EQ(out[0].notification.audience_case(), v1::Notification::kUserId);
  EXPECT_EQ(out[0].notification.user_id(), buyer);
  EXPECT_EQ(out[0].notification.id(), refunded.id());
  EXPECT_EQ(out[0].notification.type(), "order_refunded");
  const auto data = Json(out[0].notification.data_json());
  EXPECT_EQ(data.at("order_id").as_string(), order.id());
  EXPECT_EQ(data.at("drop_id").as_string(), order.drop_id());
  EXPECT_EQ(data.at("amount").as_int64(), 2500);
  EXPECT_EQ(data.at("currency").as_string(), "EUR");
  EXPECT_EQ(data.at("quantity").as_int64(), 1);
  EXPECT_EQ(data.at("reason").as_string(), "drop_cancelled");
}

TEST_F(EventsHandlerTest, RestockedAndOtherEvents_NotifyNobody) {
  HandleOnce(DropScheduled(drop_, creator_));
  HandleOnce(Restocked(drop_));
  HandleOnce(Followed(NewUuid(), creator_));
  inventory::v1::SoldOut payload;
  HandleOnce(kafka::MakeEnvelope("order_placed", "livedrop-orders", NewUuid(), payload));
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(Count("SELECT count(*) FROM broadcasts") +
                Count("SELECT count(*) FROM personal_notifications"),
            0);
}

TEST_F(EventsHandlerTest, MalformedEvents_AreNotRetryable) {
  auto kind_of = [&](const Envelope& envelope) {
    try {
      HandleOnce(envelope);
    } catch (const Error& e) {
      return IsRetryable(e.kind()) ? std::string("retryable") : e.code();
    }
    return std::string("handled");
  };
  auto bad_id = SoldOut(drop_);
  bad_id.set_id("not-a-uuid");
  EXPECT_EQ(kind_of(bad_id), "malformed_event");
  auto wrong_payload = SoldOut(drop_);
  wrong_payload.set_type("order_confirmed");
  EXPECT_EQ(kind_of(wrong_payload), "payload_type_mismatch");
  EXPECT_EQ(kind_of(OrderConfirmed("someone")), "malformed_event");
  kafka::Message garbage;
  garbage.payload = "\xff\xff not an envelope";
  EXPECT_THROW((*handler_)(garbage), Error);
  EXPECT_TRUE(Outbox().empty());
}

double StoredCounter(const std::string& type) {
  return metrics::Registry::Default()
      .GetCounter("livedrop_notifications_stored_total", "", {{"type", type}})
      .Value();
}

// xmin: the transaction that wrote a row. Events stored one by one would each have their own.
TEST_F(EventsHandlerTest, Batch_IsStoredInOneTransaction) {
  const std::string buyer = NewUuid();
  HandleBatch({DropScheduled(drop_, creator_), DropStarted(drop_, creator_), OrderConfirmed(buyer),
               OrderFailed(buyer, "payment_declined"), Followed(NewUuid(), creator_)});
  EXPECT_EQ(Count("SELECT count(*) FROM broadcasts"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications"), 2);
  EXPECT_EQ(Outbox().size(), 3u);
  EXPECT_EQ(Count("SELECT count(DISTINCT xmin::text) FROM (SELECT xmin FROM broadcasts UNION ALL "
                  "SELECT xmin FROM personal_notifications) AS stored"),
            1);
}

// The consumer then handles the batch one message at a time: each good event is stored and
// counted once, and only the malformed one fails (and is dead-lettered).
TEST_F(EventsHandlerTest, BatchWithAMalformedEvent_StoresNothingAndIsNotRetryable) {
  const double stored_before = StoredCounter("order_confirmed");
  const auto first = OrderConfirmed(NewUuid()), last = OrderConfirmed(NewUuid());
  auto malformed = OrderConfirmed(NewUuid());
  malformed.set_id("not-a-uuid");
  try {
    HandleBatch({first, malformed, last});
    FAIL() << "a batch with a malformed event was handled";
  } catch (const Error& e) {
    EXPECT_FALSE(IsRetryable(e.kind())) << e.code();
  }
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications"), 0) << "half a batch stored";
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(StoredCounter("order_confirmed"), stored_before);

  auto& duplicates =
      metrics::Registry::Default().GetCounter("livedrop_notifications_duplicates_total", "");
  const double duplicates_before = duplicates.Value();
  HandleBatch({first});
  EXPECT_THROW(HandleBatch({malformed}), Error);
  HandleBatch({last});
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications"), 2);
  EXPECT_EQ(Outbox().size(), 2u);
  EXPECT_EQ(StoredCounter("order_confirmed"), stored_before + 2);
  EXPECT_EQ(duplicates.Value(), duplicates_before);
}

// A serialization failure on the batch's second insert, once: the pool retries the whole
// transaction, which runs every event of the batch again.
TEST_F(EventsHandlerTest, RetriedBatch_CountsItsStoredNotificationsOnce) {
  pool_->Transact([](pqxx::work& tx) {
    tx.exec(R"(
      CREATE SEQUENCE inserts_seen;
      CREATE FUNCTION fail_second_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('inserts_seen') = 2 THEN
          RAISE EXCEPTION 'injected' USING ERRCODE = 'serialization_failure';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_second_insert BEFORE INSERT ON personal_notifications
        FOR EACH ROW EXECUTE FUNCTION fail_second_insert();)");
  });
  const double stored_before = StoredCounter("order_confirmed");
  HandleBatch({OrderConfirmed(NewUuid()), OrderConfirmed(NewUuid()), OrderConfirmed(NewUuid())});
  EXPECT_GT(Count("SELECT last_value FROM inserts_seen"), 3) << "the batch was not retried";
  EXPECT_EQ(Count("SELECT count(*) FROM personal_notifications"), 3);
  EXPECT_EQ(Outbox().size(), 3u);
  EXPECT_EQ(StoredCounter("order_confirmed"), stored_before + 3);
}

}  // namespace
}  // namespace livedrop::notifications
