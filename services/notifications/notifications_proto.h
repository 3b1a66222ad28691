#pragma once

#include "livedrop/notifications/v1/notifications.pb.h"
#include "notifications_logic.h"

namespace livedrop::notifications {

// A notification as the inbox answers and the live copy on livedrop.notifications carry it.
void ToProto(const NotificationRow& row, v1::Notification& out);

}  // namespace livedrop::notifications
