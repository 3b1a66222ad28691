#pragma once

#include <boost/json/object.hpp>

#include "livedrop/auth/v1/auth.pb.h"

namespace google::protobuf {
class Timestamp;
}

// Proto → public JSON shapes (snake_case, RFC 3339 UTC times), one function per resource.
namespace livedrop::gateway::views {

std::string Rfc3339(const google::protobuf::Timestamp& ts);
const char* RoleName(auth::v1::Role role);

boost::json::object User(const auth::v1::User& user);
// {user, access_token, refresh_token, expires_in, token_type}
boost::json::object Session(const auth::v1::User& user, const auth::v1::TokenPair& tokens);

}  // namespace livedrop::gateway::views
