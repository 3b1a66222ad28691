#include "ws/frames.h"

#include <boost/json.hpp>

#include "livedrop/core/time.h"
#include "livedrop/grpc/proto_values.h"

namespace livedrop::gateway::frames {

boost::json::object Fields(const notifications::v1::Notification& n) {
  boost::json::error_code ec;
  auto data = boost::json::parse(n.data_json(), ec);
  if (ec || !data.is_object()) data = boost::json::object{};
  return boost::json::object{{"id", n.id()},
                             {"type", n.type()},
                             {"time", rpc::Rfc3339(n.time())},
                             {"data", std::move(data)}};
}

Frame FromNotification(const notifications::v1::Notification& n) {
  return Frame{n.id(), std::make_shared<const std::string>(boost::json::serialize(Fields(n)))};
}

Audience AudienceOf(const notifications::v1::Notification& n) {
  return Audience{n.creator_id(), n.user_id()};
}

namespace {

std::string Control(const char* type, boost::json::object data) {
  return boost::json::serialize(boost::json::object{
      {"type", type}, {"time", FormatRfc3339(Now())}, {"data", std::move(data)}});
}

}  // namespace

std::string Ready(const std::string& user_id, std::size_t following, bool replaying) {
  return Control("ready", {{"user_id", user_id}, {"following", following}, {"replaying", replaying}});
}

std::string CaughtUp(std::size_t replayed, const std::string& replay_error) {
  boost::json::object data{{"replayed", replayed}};
  if (!replay_error.empty()) data["replay_error"] = replay_error;
  return Control("caught_up", std::move(data));
}

}  // namespace livedrop::gateway::frames
