#include "drop_events_handler.h"

#include <spdlog/spdlog.h>

#include "inventory_app.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/kafka/envelope.h"

namespace livedrop::inventory {

void DropEventsHandler::operator()(const kafka::Message& message) {
  const auto envelope = kafka::ParseEnvelope(message.payload);
  const auto& type = envelope.payload_type();
  if (type == drops::v1::DropScheduled::descriptor()->full_name()) {
    const auto event = kafka::UnpackPayload<drops::v1::DropScheduled>(envelope);
    const auto& drop = event.drop();
    app_.CreateStock(drop.id(), drop.quantity(), drop.per_buyer_limit());
    spdlog::info("stock of drop {} created: {} units, {} per buyer", drop.id(), drop.quantity(),
                 drop.per_buyer_limit());
  } else if (type == drops::v1::DropCancelled::descriptor()->full_name()) {
    const auto event = kafka::UnpackPayload<drops::v1::DropCancelled>(envelope);
    if (const auto stock = app_.FreezeStock(event.drop().id())) {
      spdlog::info("stock of drop {} frozen: the drop was cancelled ({} held, {} sold)",
                   stock->drop_id, stock->reserved, stock->sold);
    }
  }
}

}  // namespace livedrop::inventory
