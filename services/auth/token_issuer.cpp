#include "token_issuer.h"

#include <sodium.h>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop::auth {

TokenIssuer::TokenIssuer(TokenOptions options) : options_(std::move(options)) {}

void TokenIssuer::SetKeys(std::vector<StoredKey> keys) { keys_ = std::move(keys); }

std::string TokenIssuer::IssueAccessToken(const User& user) const {
  if (keys_.empty()) throw Error(ErrorKind::kUnavailable, "keys_not_loaded", "no signing key");
  const auto& newest = keys_.front();
  const TimePoint now = Now();
  const Claims claims{
      user.id,
      user.role,
      options_.issuer,
      NewUuid(),
      now,
      now + std::chrono::duration_cast<std::chrono::microseconds>(options_.access_ttl)};
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
