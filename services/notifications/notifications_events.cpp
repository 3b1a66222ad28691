#include "notifications_events.h"

#include "livedrop/kafka/topics.h"
#include "livedrop/service/events.h"
#include "notifications_proto.h"

namespace livedrop::notifications {

void EmitNotification(pqxx::transaction_base& tx, const NotificationRow& row,
                      const std::string& trace_parent) {
  v1::Notification live;
  ToProto(row, live);
  service::EnqueueEvent(tx, topics::kNotifications, event_types::kNotification, row.audience_id,
                        live, trace_parent);
}

}  // namespace livedrop::notifications
