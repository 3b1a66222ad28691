#pragma once

#include <string>

#include "notifications_logic.h"

namespace pqxx {
class transaction_base;
}
namespace livedrop::notifications::v1 {
class Notification;
}

namespace livedrop::notifications {

// Where every stored notification is published once for live delivery. Keyed by the
// audience id (user or creator); the payload is a livedrop.notifications.v1.Notification in
// an envelope of type "notification".
inline constexpr char kNotificationsTopic[] = "livedrop.notifications";
inline constexpr char kNotificationEventType[] = "notification";

void ToProto(const NotificationRow& row, v1::Notification& out);

// Stores `row` (setting its seq) and, only when it was not stored before, writes its live copy
// to the outbox in the same transaction: a redelivered source event is stored and published
// once. Returns whether it was new.
bool StoreAndPublish(pqxx::transaction_base& tx, NotificationRow& row,
                     const std::string& trace_parent);

}  // namespace livedrop::notifications
