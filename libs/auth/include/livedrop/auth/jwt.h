#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "livedrop/core/time.h"

namespace livedrop::auth {

// What an access token says about its bearer.
struct Claims {
  std::string subject;  // user id
  std::string role;     // "buyer" | "creator" | "admin"
  std::string issuer;
  std::string token_id;  // jti
  TimePoint issued_at;
  TimePoint expires_at;
  std::string audience;                 // aud: who the token is for ("" leaves it out)
  std::optional<TimePoint> not_before;  // nbf (unset leaves it out)
};

// An Ed25519 key pair (libsodium). `kid` names it in the JWT header and the JWKS.
struct SigningKey {
  std::string kid;
  std::string secret_key;  // 64 bytes
  std::string public_key;  // 32 bytes

  static SigningKey Generate();
};

struct PublicKey {
  std::string kid;
  std::string public_key;  // 32 bytes
};

// A compact JWS: header {"alg":"EdDSA","typ":"JWT","kid":...}, payload {sub, role, iss, jti,
// iat, exp, aud, nbf}.
std::string SignJwt(const Claims& claims, const SigningKey& key);
// The same for a payload taken as it is (a JSON object): tests use it to sign claims an issuer
// never writes (no iat, an aud array, ...).
std::string SignJwtPayload(std::string_view payload_json, const SigningKey& key);

// Verifies access tokens locally against a set of public keys (swappable at run time, e.g.
// when the gateway refreshes the JWKS). Only EdDSA is accepted: "none" and HMAC tokens fail.
// A token must name `issuer` (iss) and `audience` (aud: the string, or an array holding it),
// carry iat no later than now, and, if it has nbf, be past it; `leeway` absorbs clock skew
// between hosts on exp, iat and nbf alike.
//
// With `remembered_tokens` > 0 it remembers the claims of about that many tokens it verified
// (the whole token, byte for byte, is the key), so a client's next request with the same token
// skips the signature check (an Ed25519 verification, the larger part of a verify); the times
// (exp, nbf, iat) are checked again on every call. A key set that drops or changes a key forgets
// them all, so a key taken out of the set stops its tokens at once (one that only adds keys
// forgets nothing). Bounded: 16 shards, each a BoundedCache of its share rounded up (the least
// recently used token of a shard leaves first; `on_evict` runs once per token that left to make
// room: the hook for livedrop_cache_evictions_total).
class JwtVerifier {
 public:
  JwtVerifier(std::string issuer, std::string audience,
              std::chrono::seconds leeway = std::chrono::seconds(30),
              std::size_t remembered_tokens = 0, std::function<void()> on_evict = {});
  ~JwtVerifier();

  void SetKeys(std::vector<PublicKey> keys);
  bool HasKey(std::string_view kid) const;

  // Tokens remembered now, and calls answered from them since the start.
  std::size_t remembered() const;
  std::uint64_t remembered_hits() const;

  // Throws livedrop::Error(kUnauthenticated) with code "token_invalid" or "token_expired".
  Claims Verify(std::string_view token, TimePoint now) const;

  // The kid named in a token's header, or "" if unreadable: lets a caller refresh its keys
  // when it meets a key it does not know yet.
  static std::string KeyIdOf(std::string_view token);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::auth
