#include "notification_events.h"

#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/notifications/v1/notifications.pb.h"
#include "notifications_store.h"

namespace livedrop::notifications {

void ToProto(const NotificationRow& row, v1::Notification& out) {
  out.set_id(row.id);
  out.set_seq(row.seq);
  out.set_type(row.type);
  rpc::SetTimestamp(row.time, out.mutable_time());
  out.set_data_json(row.data_json);
  if (row.audience == Audience::kUser) {
    out.set_user_id(row.audience_id);
  } else {
    out.set_creator_id(row.audience_id);
  }
}

bool StoreAndPublish(pqxx::transaction_base& tx, NotificationRow& row,
                     const std::string& trace_parent) {
  const auto seq = NotificationsStore::Insert(tx, row);
  if (!seq) return false;
  row.seq = *seq;
  v1::Notification live;
  ToProto(row, live);
  kafka::EnqueueEvent(tx, kNotificationsTopic,
                      kafka::MakeEnvelope(kNotificationEventType, "livedrop-notifications",
                                          row.audience_id, live, trace_parent));
  return true;
}

}  // namespace livedrop::notifications
