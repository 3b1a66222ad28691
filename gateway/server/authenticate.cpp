#include "server/authenticate.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "livedrop/core/error.h"
#include "server/key_refresher.h"

namespace livedrop::gateway {

std::string BearerToken(const http::Request& request) {
  const auto header = request.headers.Get("Authorization");
  if (!header) return {};
  constexpr std::string_view kPrefix = "Bearer ";
  if (header->size() <= kPrefix.size() ||
      !std::equal(kPrefix.begin(), kPrefix.end(), header->begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return {};
  }
  return header->substr(kPrefix.size());
}

auth::Claims VerifyAccessToken(const std::string& token, const auth::JwtVerifier& verifier,
                               KeyRefresher* keys) {
  if (token.empty()) {
    throw Error(ErrorKind::kUnauthenticated, "unauthenticated",
                "this route needs an access token: Authorization: Bearer <token>");
  }
  try {
    return verifier.Verify(token, Now());
  } catch (const Error&) {
    const auto kid = auth::JwtVerifier::KeyIdOf(token);
    if (keys != nullptr && !kid.empty() && !verifier.HasKey(kid)) keys->RequestRefresh();
    throw;
  }
}

}  // namespace livedrop::gateway
