#include "token_issuer.h"

#include <sodium.h>

#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/pg/pool.h"

namespace livedrop::auth {

TokenIssuer::TokenIssuer(pg::Pool& pool, TokenOptions options)
    : pool_(pool), options_(std::move(options)) {}

void TokenIssuer::LoadOrCreateKeys() {
  keys_ = pool_.Transact([](pqxx::work& tx) {
    AuthStore::LockKeys(tx);
    auto keys = AuthStore::ActiveKeys(tx);
    if (keys.empty()) {
      const auto fresh = SigningKey::Generate();
      AuthStore::InsertKey(tx, StoredKey{fresh.kid, fresh.public_key, fresh.secret_key, Now()});
      keys = AuthStore::ActiveKeys(tx);
    }
    return keys;
  });
}

std::string TokenIssuer::IssueAccessToken(const UserRecord& user) const {
  if (keys_.empty()) throw Error(ErrorKind::kUnavailable, "keys_not_loaded", "no signing key");
  const auto& newest = keys_.front();
  const TimePoint now = Now();
  const Claims claims{user.id, user.role, options_.issuer, NewUuid(), now,
                      now + std::chrono::duration_cast<std::chrono::microseconds>(
                                options_.access_ttl)};
  return SignJwt(claims, SigningKey{newest.kid, newest.secret_key, newest.public_key});
}

std::vector<PublicKey> TokenIssuer::PublicKeys() const {
  std::vector<PublicKey> out;
  for (const auto& k : keys_) out.push_back(PublicKey{k.kid, k.public_key});
  return out;
}

std::string TokenIssuer::NewRefreshToken() {
  std::string bytes(32, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return Base64UrlEncode(bytes);
}

std::string TokenIssuer::HashRefreshToken(const std::string& token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return Base64UrlEncode(std::string(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace livedrop::auth
