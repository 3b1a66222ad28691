#include "inventory_events_handler.h"

#include <pqxx/pqxx>

#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/pg/pool.h"

namespace livedrop::drops {

void InventoryEventsHandler::operator()(const kafka::Message& message) {
  const auto envelope = kafka::ParseEnvelope(message.payload);
  std::string drop_id;
  DropStatus from, to;
  if (envelope.type() == "sold_out") {
    drop_id = kafka::UnpackPayload<inventory::v1::SoldOut>(envelope).drop_id();
    from = DropStatus::kLive;
    to = DropStatus::kSoldOut;
  } else if (envelope.type() == "restocked") {
    drop_id = kafka::UnpackPayload<inventory::v1::Restocked>(envelope).drop_id();
    from = DropStatus::kSoldOut;
    to = DropStatus::kLive;
  } else {
    return;
  }
  const auto moved = pool_.Transact(
      [&](pqxx::work& tx) { return DropsStore::MoveStatus(tx, drop_id, from, to); });
  if (moved && on_change_) on_change_(*moved);
}

}  // namespace livedrop::drops
