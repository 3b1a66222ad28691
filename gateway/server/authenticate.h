#pragma once

#include <string>

#include "livedrop/auth/jwt.h"
#include "livedrop/http/message.h"

namespace livedrop::gateway {

class KeyRefresher;

// The token of `Authorization: Bearer <token>`, or "" if there is none.
std::string BearerToken(const http::Request& request);

// Verifies an access token (throws unauthenticated / token_invalid / token_expired). A token
// signed with a key the gateway has not seen yet asks `keys` (may be null) to refresh soon: it
// may follow a key rotation at auth.
auth::Claims VerifyAccessToken(const std::string& token, const auth::JwtVerifier& verifier,
                               KeyRefresher* keys);

}  // namespace livedrop::gateway
