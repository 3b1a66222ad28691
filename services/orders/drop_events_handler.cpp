#include "drop_events_handler.h"

#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "orders_app.h"

namespace livedrop::orders {

void DropEventsHandler::operator()(const kafka::Message& message) {
  const auto envelope = kafka::ParseEnvelope(message.payload);
  if (envelope.payload_type() != drops::v1::DropCancelled::descriptor()->full_name()) return;
  const auto event = kafka::UnpackPayload<drops::v1::DropCancelled>(envelope);
  app_.OnDropCancelled(event.drop().id(),
                       envelope.has_time() ? rpc::FromTimestamp(envelope.time()) : Now());
}

}  // namespace livedrop::orders
