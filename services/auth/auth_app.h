#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth_logic.h"
#include "key_sealer.h"
#include "livedrop/core/periodic.h"
#include "livedrop/redis/versioned_cache.h"
#include "token_issuer.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::pg {
class Pool;
}

namespace livedrop::auth {

class PasswordHasher;

// Accounts and sessions: register, log in, refresh, log out, read a user, the signing keys.
// The only layer that opens transactions, fills the user-view cache and writes events; it
// composes the rules (auth_logic), the hashing (passwords), the SQL (auth_store) and the
// tokens (token_issuer).
class AuthApp {
 public:
  // `users` caches public user views (ld:auth:user:<id>); users never change after sign-up
  // yet, so entries are written once, at version 1. A profile-update use case must bump it.
  AuthApp(pg::Pool& pool, const PasswordHasher& hasher, TokenOptions tokens,
          redis::VersionedCache users);

  // At start-up, before serving: RotateKeys (which makes the first key if there is none), then
  // again every tokens.key_reload on a thread of its own until the app is destroyed.
  void LoadOrCreateKeys();
  // One step of the key schedule (key_schedule.h), under a lock every instance takes: makes
  // the next key when it is due, retires keys whose tokens have all expired, and hands the
  // published keys to the token issuer. Safe while requests are served.
  void RotateKeys();

  // A new account and its first session; validation_failed or email_taken otherwise.
  Session Register(const Registration& registration);
  // invalid_credentials whether the email is unknown or the password wrong.
  Session Login(const std::string& email, const std::string& password);
  // Rotates the refresh token; a token presented twice revokes its whole family.
  Session Refresh(const std::string& refresh_token);
  // Idempotent and silent: an unknown or already revoked token is not an error.
  void Logout(const std::string& refresh_token);
  // not_found for an unknown (or malformed) id.
  User GetUser(const std::string& id);
  // Each user as GetUser answers it, in the order of the ids' first appearance (BatchUuids:
  // repeats answered once, unknown and malformed ids absent, more than kMaxBatchSize ids
  // validation_failed on "ids"); cached views per id, one query for all the misses, none for an
  // empty list.
  std::vector<User> GetUsers(const std::vector<std::string>& ids);
  std::vector<PublicKey> SigningKeys() const;

 private:
  // The next tokens of a refresh-token family (a new family at sign-in).
  TokenPair IssueTokens(pqxx::transaction_base& tx, const User& user,
                        const std::string& family_id) const;

  pg::Pool& pool_;
  const PasswordHasher& hasher_;
  TokenIssuer tokens_;
  KeySealer sealer_;
  redis::VersionedCache users_;
  std::unique_ptr<Periodic> key_reload_;  // last: stopped before what it uses is destroyed
};

}  // namespace livedrop::auth
