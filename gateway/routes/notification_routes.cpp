#include "routes/notification_routes.h"

#include <boost/json.hpp>

#include "clients/notifications_client.h"
#include "routes/paging.h"
#include "server/json_body.h"
#include "ws/frames.h"

namespace livedrop::gateway {
namespace {

using namespace livedrop::notifications::v1;

// An inbox item: the WebSocket frame's fields plus `read`.
boost::json::object Item(const InboxItem& item) {
  auto frame = frames::Fields(item.notification());
  frame["read"] = item.read();
  return frame;
}

}  // namespace

void AddNotificationRoutes(RouteTable& table, NotificationsClient& notifications) {
  table.Add(
      "GET", "/v1/me/notifications", Access::kAuthenticated, [&notifications](const CallPtr& call) {
        const auto page = ReadPageRequest(call->request());
        ListNotificationsRequest req;
        req.set_user_id(call->caller().subject);
        req.set_limit(page.limit);
        req.set_cursor(page.cursor);
        notifications.ListNotifications(
            std::move(req), call->origin(), [call](Outcome<ListNotificationsResponse> outcome) {
              if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
              const auto& r = std::get<ListNotificationsResponse>(outcome);
              boost::json::array items;
              for (const auto& item : r.items()) items.push_back(Item(item));
              call->ReplyJson(200, PageJson(std::move(items), r.next_cursor()));
            });
      });

  table.Add("POST", "/v1/me/notifications/read", Access::kAuthenticated,
            [&notifications](const CallPtr& call) {
              const auto body = JsonBody::Parse(call->request());
              MarkReadRequest req;
              req.set_user_id(call->caller().subject);
              const auto up_to = body.OptionalString("up_to_id", 64);
              const bool all = body.OptionalBool("all").value_or(false);
              if (up_to.has_value() == all) {
                throw ValidationError("up_to_id",
                                      "give exactly one of up_to_id (a notification id) and "
                                      "all: true");
              }
              if (up_to) req.set_up_to_id(*up_to);
              req.set_all(all);
              notifications.MarkRead(
                  std::move(req), call->origin(), [call](Outcome<MarkReadResponse> outcome) {
                    if (auto* e = std::get_if<Error>(&outcome)) {
                      return call->Fail(*e);
                    }
                    call->ReplyJson(200,
                                    boost::json::serialize(boost::json::object{
                                        {"marked", std::get<MarkReadResponse>(outcome).marked()}}));
                  });
            });
}

}  // namespace livedrop::gateway
