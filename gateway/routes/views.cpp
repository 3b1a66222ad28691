#include "routes/views.h"

#include <google/protobuf/timestamp.pb.h>

#include <boost/json.hpp>

#include "livedrop/core/time.h"

namespace livedrop::gateway::views {

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  return FormatRfc3339(TimePoint(std::chrono::microseconds(ts.seconds() * 1'000'000 +
                                                           ts.nanos() / 1000)));
}

const char* RoleName(auth::v1::Role role) {
  switch (role) {
    case auth::v1::ROLE_BUYER:
      return "buyer";
    case auth::v1::ROLE_CREATOR:
      return "creator";
    case auth::v1::ROLE_ADMIN:
      return "admin";
    default:
      return "unknown";
  }
}

boost::json::object User(const auth::v1::User& user) {
  return {{"id", user.id()},
          {"email", user.email()},
          {"display_name", user.display_name()},
          {"role", RoleName(user.role())},
          {"created_at", Rfc3339(user.created_at())}};
}

boost::json::object Session(const auth::v1::User& user, const auth::v1::TokenPair& tokens) {
  return {{"user", User(user)},
          {"access_token", tokens.access_token()},
          {"refresh_token", tokens.refresh_token()},
          {"expires_in", tokens.expires_in()},
          {"token_type", tokens.token_type()}};
}

}  // namespace livedrop::gateway::views
