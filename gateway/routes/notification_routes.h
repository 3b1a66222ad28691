#pragma once

#include "server/route_table.h"

namespace livedrop::gateway {

class NotificationsClient;

// GET /v1/me/notifications (the inbox, newest first, cursor pages) and
// POST /v1/me/notifications/read ({"up_to_id": id} or {"all": true}).
void AddNotificationRoutes(RouteTable& table, NotificationsClient& notifications);

}  // namespace livedrop::gateway
