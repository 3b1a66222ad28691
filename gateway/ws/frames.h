#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "livedrop/notifications/v1/notifications.pb.h"
#include "ws/notification_hub.h"

// The JSON frames of GET /v1/ws.
namespace livedrop::gateway::frames {

// {"id","type","time","data"} — the notification's data_json is the frame's data.
boost::json::object Fields(const notifications::v1::Notification& n);
// The same, serialized once for every socket.
Frame FromNotification(const notifications::v1::Notification& n);
Audience AudienceOf(const notifications::v1::Notification& n);

// {"type":"ready","time","data":{"user_id","following","replaying"}}: the connection is
// subscribed; with replaying, the notifications missed since last_event_id follow (oldest
// first), then a caught_up frame; live frames come after.
std::string Ready(const std::string& user_id, std::size_t following, bool replaying);
// {"type":"caught_up","time","data":{"replayed"[,"replay_error"]}}: the replay is over; what
// follows is live.
std::string CaughtUp(std::size_t replayed, const std::string& replay_error = "");

}  // namespace livedrop::gateway::frames
