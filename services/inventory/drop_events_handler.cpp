#include "drop_events_handler.h"

#include <spdlog/spdlog.h>

#include "inventory_app.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/kafka/envelope.h"

namespace livedrop::inventory {

void DropEventsHandler::operator()(const kafka::Message& message) {
  const auto envelope = kafka::ParseEnvelope(message.payload);
  if (envelope.payload_type() != drops::v1::DropScheduled::descriptor()->full_name()) return;
  const auto event = kafka::UnpackPayload<drops::v1::DropScheduled>(envelope);
  const auto& drop = event.drop();
  app_.CreateStock(drop.id(), drop.quantity(), drop.per_buyer_limit());
  spdlog::info("stock of drop {} created: {} units, {} per buyer", drop.id(), drop.quantity(),
               drop.per_buyer_limit());
}

}  // namespace livedrop::inventory
