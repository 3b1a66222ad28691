#pragma once

#include <chrono>
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
class JwtVerifier {
 public:
  JwtVerifier(std::string issuer, std::string audience,
              std::chrono::seconds leeway = std::chrono::seconds(30));
  ~JwtVerifier();

  void SetKeys(std::vector<PublicKey> keys);
  bool HasKey(std::string_view kid) const;

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
