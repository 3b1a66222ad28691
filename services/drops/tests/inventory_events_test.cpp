// Inventory's sold_out / restocked events move a live drop to sold_out and back, once.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "drop_views.h"
#include "drops_app.h"
#include "drops_migrations.h"
#include "drops_store.h"
#include "inventory_events_handler.h"
#include "livedrop/core/ids.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/testing/event_messages.h"
#include "livedrop/testing/service_database.h"

namespace livedrop::drops {
namespace {

using namespace std::chrono_literals;

kafka::Message EventMessage(const std::string& type, const google::protobuf::Message& payload,
                            const std::string& drop_id) {
  return livedrop::testing::EventMessage(topics::kInventory, type, "test", drop_id, payload);
}

TEST(InventoryEvents, SoldOutAndRestocked_MoveALiveDropOnce) {
  testing::ServiceDatabase db("drops", Migrations(), 2);
  pg::Pool& pool = db.pool();
  const std::string creator = NewUuid();
  const auto drop = pool.Transact([&](pqxx::work& tx) {
    const auto product =
        DropsStore::InsertProduct(tx, NewUuid(), creator, NewProduct{"Tee", "", 100, "EUR", {}});
    const auto row = DropsStore::InsertDrop(tx, NewUuid(), creator, product.id,
                                            NewDrop{Now() - 1s, Now() + 1h, 5, 1});
    return *DropsStore::MoveStatus(tx, row.id, DropStatus::kScheduled, DropStatus::kLive);
  });
  int changes = 0;
  DropViews views(redis::VersionedCache(nullptr, "drop", 30s),
                  redis::VersionedCache(nullptr, "product", 30s));
  DropsScheduler scheduler;
  DropsApp app(pool, views, scheduler);
  InventoryEventsHandler inventory_events(app);
  auto handler = [&](const kafka::Message& message) {
    if (inventory_events.Handle(kafka::ParseEnvelope(message.payload))) changes++;
  };
  auto status = [&] {
    return pool.Transact([&](pqxx::work& tx) { return DropsStore::FindDrop(tx, drop.id)->status; });
  };

  inventory::v1::SoldOut sold_out;
  sold_out.set_drop_id(drop.id);
  handler(EventMessage("sold_out", sold_out, drop.id));
  EXPECT_EQ(status(), DropStatus::kSoldOut);
  handler(EventMessage("sold_out", sold_out, drop.id));  // redelivered
  EXPECT_EQ(changes, 1);

  inventory::v1::Restocked restocked;
  restocked.set_drop_id(drop.id);
  restocked.set_available(1);
  handler(EventMessage("restocked", restocked, drop.id));
  EXPECT_EQ(status(), DropStatus::kLive);
  EXPECT_EQ(changes, 2);

  // A cancelled drop stays cancelled whatever inventory says later.
  pool.Transact(
      [&](pqxx::work& tx) { DropsStore::SetStatus(tx, drop.id, DropStatus::kCancelled); });
  handler(EventMessage("sold_out", sold_out, drop.id));
  EXPECT_EQ(status(), DropStatus::kCancelled);
  EXPECT_EQ(changes, 2);
}

}  // namespace
}  // namespace livedrop::drops
