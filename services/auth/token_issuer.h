#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth_logic.h"
#include "livedrop/auth/jwt.h"

namespace livedrop::auth {

struct TokenOptions {
  std::string issuer = "livedrop";
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::string audience = "livedrop-api";  // the aud claim: the public API (the gateway)
  // Signing keys (key_schedule.h): each signs this long, is published this long before it
  // signs (longer than the gateways' --jwks-refresh plus key_reload, so they all have it
  // first), and the keys are read again from the database (rotating when due) this often.
  std::chrono::milliseconds key_rotation = std::chrono::hours(24);
  std::chrono::milliseconds key_publish_lead = std::chrono::minutes(10);
  std::chrono::milliseconds key_reload = std::chrono::minutes(1);
  // Encrypts the keys' private halves in the database (key_sealer.h): 32 raw bytes, or empty.
  std::string key_encryption_key;
};

// Mints access tokens (JWTs signed with the newest active shared key) and refresh tokens
// (random, stored only as a hash). Keys live in the database so every instance signs with the
// same one; the app loads them at start-up and again on a schedule (AuthApp::RotateKeys) and
// hands them over with SetKeys.
class TokenIssuer {
 public:
  explicit TokenIssuer(TokenOptions options);

  // The published keys, the newest activation first (KeyPlan::published). Safe while tokens
  // are being issued.
  void SetKeys(std::vector<StoredKey> keys);

  // Signed with the key active now. Throws Error(kUnavailable, "keys_not_loaded") before
  // SetKeys (or when no key is active yet).
  std::string IssueAccessToken(const User& user) const;
  std::vector<PublicKey> PublicKeys() const;
  const TokenOptions& options() const { return options_; }

  static std::string NewRefreshToken();
  static std::string HashRefreshToken(const std::string& token);

 private:
  using Keys = std::vector<StoredKey>;
  std::shared_ptr<const Keys> Current() const;

  TokenOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Keys> keys_ = std::make_shared<const Keys>();
};

}  // namespace livedrop::auth
