#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "auth_logic.h"
#include "livedrop/auth/jwt.h"

namespace livedrop::auth {

struct TokenOptions {
  std::string issuer = "livedrop";
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
};

// Mints access tokens (JWTs signed with the newest shared key) and refresh tokens (random,
// stored only as a hash). Keys live in the database so every instance signs with the same one;
// the app loads them at start-up (AuthApp::LoadOrCreateKeys) and hands them over with SetKeys.
class TokenIssuer {
 public:
  explicit TokenIssuer(TokenOptions options);

  // `keys` newest first. Called once, before the first request is served.
  void SetKeys(std::vector<StoredKey> keys);

  // Throws Error(kUnavailable, "keys_not_loaded") before SetKeys.
  std::string IssueAccessToken(const User& user) const;
  std::vector<PublicKey> PublicKeys() const;
  const TokenOptions& options() const { return options_; }

  static std::string NewRefreshToken();
  static std::string HashRefreshToken(const std::string& token);

 private:
  TokenOptions options_;
  std::vector<StoredKey> keys_;  // newest first; immutable once requests are served
};

}  // namespace livedrop::auth
