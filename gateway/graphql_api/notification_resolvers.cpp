#include "clients/notifications_client.h"
#include "graphql_api/api_resolvers.h"
#include "graphql_api/resolver_support.h"
#include "livedrop/core/paging.h"
#include "ws/frames.h"

namespace livedrop::gateway::api {
namespace json = boost::json;

// A notification as the WebSocket frame has it ({id, type, time, data}, data as the event
// wrote it: a JSON value, not renamed) plus `read`.
json::value NotificationNode(const notifications::v1::Notification& n, bool read) {
  auto node = frames::Fields(n);
  node["read"] = read;
  return node;
}

void AddNotificationResolvers(graphql::Resolvers& r, const ApiClients& clients) {
  auto& notifications = clients.notifications;
  r.Field("Query", "notifications", [&notifications](graphql::FieldCall call) {
    notifications::v1::ListNotificationsRequest req;
    req.set_user_id(CallerOf(call).subject);
    req.set_limit(FirstOf(call));
    req.set_cursor(AfterOf(call));
    notifications.ListNotifications(
        std::move(req), ContextOf(call).origin,
        Answer<notifications::v1::ListNotificationsResponse>(call, [](const auto& resp) {
          json::array nodes;
          std::vector<std::string> cursors;
          for (const auto& item : resp.items()) {
            nodes.push_back(NotificationNode(item.notification(), item.read()));
            cursors.push_back(EncodeCursor(item.notification().seq()));
          }
          return Connection(std::move(nodes), std::move(cursors), resp.next_cursor());
        }));
  });
}

}  // namespace livedrop::gateway::api
