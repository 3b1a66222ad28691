#include "inventory_events_handler.h"

#include "drops_app.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"

namespace livedrop::drops {

void InventoryEventsHandler::operator()(const kafka::Message& message) {
  Handle(kafka::ParseEnvelope(message.payload));
}

std::optional<DropRow> InventoryEventsHandler::Handle(const events::v1::Envelope& envelope) {
  // Each type is read as its own message (UnpackPayload refuses any other payload).
  if (envelope.type() == event_types::kSoldOut) {
    return app_.FollowStock(kafka::UnpackPayload<inventory::v1::SoldOut>(envelope).drop_id(),
                            StockSignal::kSoldOut);
  }
  if (envelope.type() == event_types::kRestocked) {
    return app_.FollowStock(kafka::UnpackPayload<inventory::v1::Restocked>(envelope).drop_id(),
                            StockSignal::kRestocked);
  }
  return std::nullopt;
}

}  // namespace livedrop::drops
