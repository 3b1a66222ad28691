#include "token_issuer.h"

#include <sodium.h>

#include "key_schedule.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop::auth {

TokenIssuer::TokenIssuer(TokenOptions options) : options_(std::move(options)) {}

void TokenIssuer::SetKeys(std::vector<StoredKey> keys) {
  auto next = std::make_shared<const Keys>(std::move(keys));
  std::lock_guard lock(mutex_);
  keys_ = std::move(next);
}

std::shared_ptr<const TokenIssuer::Keys> TokenIssuer::Current() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

std::string TokenIssuer::IssueAccessToken(const User& user) const {
  const auto keys = Current();
  const TimePoint now = Now();
  const StoredKey* signer = SigningKeyAt(*keys, now);
  if (signer == nullptr) {
    throw Error(ErrorKind::kUnavailable, "keys_not_loaded", "no signing key");
  }
  const Claims claims{
      user.id,
      user.role,
      options_.issuer,
      NewUuid(),
      now,
      now + std::chrono::duration_cast<std::chrono::microseconds>(options_.access_ttl),
      options_.audience,
      now};
  return SignJwt(claims, SigningKey{signer->kid, signer->secret_key, signer->public_key});
}

std::vector<PublicKey> TokenIssuer::PublicKeys() const {
  std::vector<PublicKey> out;
  for (const auto& k : *Current()) out.push_back(PublicKey{k.kid, k.public_key});
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
