#include "drop_events_handler.h"

#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/kafka/envelope.h"
#include "orders_app.h"

namespace livedrop::orders {

void DropEventsHandler::operator()(const kafka::Message& message) {
  const auto envelope = kafka::ParseEnvelope(message.payload);
  if (envelope.payload_type() != drops::v1::DropCancelled::descriptor()->full_name()) return;
  const auto event = kafka::UnpackPayload<drops::v1::DropCancelled>(envelope);
  app_.OnDropCancelled(event.drop().id(), kafka::EventTime(envelope));
}

}  // namespace livedrop::orders
