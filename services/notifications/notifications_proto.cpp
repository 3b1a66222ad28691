#include "notifications_proto.h"

#include "livedrop/grpc/proto_values.h"

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

}  // namespace livedrop::notifications
