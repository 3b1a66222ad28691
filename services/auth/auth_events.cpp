#include "auth_events.h"

#include "auth_proto.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/service/events.h"

namespace livedrop::auth {
void EmitUserRegistered(pqxx::transaction_base& tx, const User& user) {
  v1::UserRegistered e;
  e.set_user_id(user.id);
  e.set_role(RoleToProto(user.role));
  e.set_display_name(user.display_name);
  service::EnqueueEvent(tx, topics::kAuth, event_types::kUserRegistered, user.id, e);
}

}  // namespace livedrop::auth
