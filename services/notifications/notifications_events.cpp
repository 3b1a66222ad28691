#include "notifications_events.h"

#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/topics.h"
#include "notifications_proto.h"

namespace livedrop::notifications {

void EmitNotification(pqxx::transaction_base& tx, const NotificationRow& row,
                      const std::string& trace_parent) {
  v1::Notification live;
  ToProto(row, live);
  kafka::EnqueueEvent(tx, topics::kNotifications,
                      kafka::MakeEnvelope(event_types::kNotification, "livedrop-notifications",
                                          row.audience_id, live, trace_parent));
}

}  // namespace livedrop::notifications
