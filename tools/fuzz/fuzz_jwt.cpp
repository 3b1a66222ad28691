// libFuzzer harness: the JWT parser and verifier. The first byte picks the form of the input:
//   even  the rest is a token as a client sends it (any bytes);
//   odd   the rest is "<header JSON>\0<payload JSON>", which the harness encodes and signs with
//         the verifier's own key, so that claims reach the checks after the signature.
// Verify must answer with claims or livedrop::Error(kUnauthenticated); claims it accepts must
// be within their lifetime and name the verifier's issuer and audience.
#include <sodium.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "livedrop/auth/jwt.h"
#include "livedrop/core/error.h"

namespace {

using namespace livedrop;

constexpr const char* kIssuer = "livedrop-auth";
constexpr const char* kAudience = "livedrop";
constexpr const char* kKid = "fuzz-key";
constexpr auto kLeeway = std::chrono::seconds(30);
// 2026-12-01T00:00:00Z: seeds are signed for this moment.
const TimePoint kNow{std::chrono::seconds(1796083200)};

struct Key {
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
};

const Key& FixedKey() {
  static const Key key = [] {
    if (sodium_init() < 0) __builtin_trap();
    Key k;
    unsigned char seed[crypto_sign_SEEDBYTES] = {};  // a fixed key: findings replay
    crypto_sign_seed_keypair(k.public_key, k.secret_key, seed);
    return k;
  }();
  return key;
}

const auth::JwtVerifier& Verifier() {
  static const auth::JwtVerifier* verifier = [] {
    auto* v = new auth::JwtVerifier(kIssuer, kAudience, kLeeway);
    const Key& key = FixedKey();
    v->SetKeys({{kKid, std::string(reinterpret_cast<const char*>(key.public_key),
                                   sizeof key.public_key)}});
    return v;
  }();
  return *verifier;
}

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(),
                                            sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

// "<header>\0<payload>" as a compact JWS signed with the fixed key.
std::string Signed(std::string_view parts) {
  const auto cut = parts.find('\0');
  const auto header = parts.substr(0, cut);
  const auto payload = cut == std::string_view::npos ? std::string_view() : parts.substr(cut + 1);
  std::string input = Base64Url(header) + "." + Base64Url(payload);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), FixedKey().secret_key);
  return input + "." +
         Base64Url(std::string_view(reinterpret_cast<const char*>(signature), sizeof signature));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string token = (data[0] % 2 == 0) ? std::string(rest) : Signed(rest);
  (void)auth::JwtVerifier::KeyIdOf(token);  // never throws
  try {
    const auth::Claims claims = Verifier().Verify(token, kNow);
    if (claims.subject.empty() || claims.issuer != kIssuer) __builtin_trap();
    if (kNow > claims.expires_at + kLeeway) __builtin_trap();  // expired, yet accepted
    if (claims.issued_at > kNow + kLeeway) __builtin_trap();  // issued in the future
    if (claims.not_before && *claims.not_before > kNow + kLeeway) __builtin_trap();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kUnauthenticated) __builtin_trap();
  }
  return 0;
}
