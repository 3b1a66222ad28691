#pragma once

#include <string>

#include "notifications_logic.h"

namespace pqxx {
class transaction_base;
}

// The one event notifications emits: every stored notification, published once for live
// delivery on livedrop.notifications (type "notification", keyed by the audience id: user or
// creator; the payload a livedrop.notifications.v1.Notification), in the storing transaction.
namespace livedrop::notifications {

// `row` is stored (its seq set); the event carries the source event's trace.
void EmitNotification(pqxx::transaction_base& tx, const NotificationRow& row,
                      const std::string& trace_parent);

}  // namespace livedrop::notifications
