#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "auth_store.h"
#include "livedrop/auth/jwt.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::auth {

struct TokenOptions {
  std::string issuer = "livedrop";
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
};

// Mints access tokens (JWTs signed with the newest shared key) and refresh tokens (random,
// stored only as a hash). Keys live in the database so every instance signs with the same one.
class TokenIssuer {
 public:
  TokenIssuer(pg::Pool& pool, TokenOptions options);

  // At start-up: uses the active key, creating the first one if there is none (safe when
  // several instances start at once).
  void LoadOrCreateKeys();

  std::string IssueAccessToken(const UserRecord& user) const;
  std::vector<PublicKey> PublicKeys() const;
  const TokenOptions& options() const { return options_; }

  static std::string NewRefreshToken();
  static std::string HashRefreshToken(const std::string& token);

 private:
  pg::Pool& pool_;
  TokenOptions options_;
  std::vector<StoredKey> keys_;  // newest first; immutable after LoadOrCreateKeys
};

}  // namespace livedrop::auth
