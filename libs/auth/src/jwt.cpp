#include "livedrop/auth/jwt.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "livedrop/core/bounded_cache.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop::auth {
namespace json = boost::json;

namespace {

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw Error(ErrorKind::kInternal, "crypto_unavailable", "libsodium failed to start");
}

std::int64_t ToUnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Error Invalid(const std::string& why) {
  return Error(ErrorKind::kUnauthenticated, "token_invalid", "access token is invalid: " + why);
}

// A NumericDate (RFC 7519 §2) of a token. Before 1970 or after 9999 is no date a token of ours
// carries, and would overflow the conversion to microseconds (found by tools/fuzz/fuzz_jwt).
constexpr std::int64_t kLastNumericDate = 253402300799;  // 9999-12-31T23:59:59Z
TimePoint FromUnixSeconds(std::int64_t s) {
  if (s < 0 || s > kLastNumericDate) throw Invalid("date out of range");
  return TimePoint(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::seconds(s)));
}

// Longer is no token of ours, and is not worth decoding (nor remembering).
constexpr std::size_t kMaxTokenBytes = 8192;

struct Parts {
  std::string_view header, payload, signature;
};

bool Split(std::string_view token, Parts& parts) {
  const auto a = token.find('.');
  if (a == std::string_view::npos) return false;
  const auto b = token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) {
    return false;
  }
  parts = {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
  return true;
}

json::object DecodeObject(std::string_view b64) {
  std::string raw;
  if (!Base64UrlDecode(b64, raw)) throw Invalid("bad encoding");
  json::error_code ec;
  auto value = json::parse(raw, ec);
  if (ec || !value.is_object()) throw Invalid("bad JSON");
  return value.as_object();
}

std::string StringField(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

std::int64_t IntField(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) throw Invalid(std::string("missing ") + key);
  return v->as_int64();
}

// aud is a string or an array of strings (RFC 7519 4.1.3); one of them must be ours.
bool NamesAudience(const json::object& payload, const std::string& audience) {
  const auto* aud = payload.if_contains("aud");
  if (aud == nullptr) return false;
  if (aud->is_string()) return aud->as_string() == audience;
  if (!aud->is_array()) return false;
  for (const auto& v : aud->as_array()) {
    if (v.is_string() && v.as_string() == audience) return true;
  }
  return false;
}

}  // namespace

SigningKey SigningKey::Generate() {
  EnsureSodium();
  SigningKey key;
  key.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  key.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(key.public_key.data()),
                      reinterpret_cast<unsigned char*>(key.secret_key.data()));
  key.kid = NewUuid();
  return key;
}

std::string SignJwtPayload(std::string_view payload_json, const SigningKey& key) {
  EnsureSodium();
  const json::object header{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key.kid}};
  std::string signing_input =
      Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(payload_json);
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  return signing_input + "." + Base64UrlEncode(signature);
}

std::string SignJwt(const Claims& claims, const SigningKey& key) {
  json::object payload{{"sub", claims.subject},
                       {"role", claims.role},
                       {"iss", claims.issuer},
                       {"jti", claims.token_id},
                       {"iat", ToUnixSeconds(claims.issued_at)},
                       {"exp", ToUnixSeconds(claims.expires_at)}};
  if (!claims.audience.empty()) payload["aud"] = claims.audience;
  if (claims.not_before) payload["nbf"] = ToUnixSeconds(*claims.not_before);
  return SignJwtPayload(json::serialize(payload), key);
}

namespace {

// Tokens verified before, by their exact text: their claims, the signature already checked.
// Sixteen shards, each a BoundedCache under its own lock, so no lock is shared by every request.
class RememberedTokens {
 public:
  RememberedTokens(std::size_t capacity, const std::function<void()>& on_evict)
      : enabled_(capacity > 0), shards_(MakeShards((capacity + kShards - 1) / kShards, on_evict)) {}

  bool enabled() const { return enabled_; }

  std::optional<Claims> Find(std::string_view token) {
    Shard& s = ShardOf(token);
    std::lock_guard lock(s.mutex);
    const Claims* claims = s.claims.Find(std::string(token));
    if (claims == nullptr) return std::nullopt;
    hits_.fetch_add(1, std::memory_order_relaxed);
    return *claims;
  }
  void Put(std::string_view token, const Claims& claims) {
    Shard& s = ShardOf(token);
    std::lock_guard lock(s.mutex);
    s.claims.Put(std::string(token), claims);
  }
  void Forget(std::string_view token) {
    Shard& s = ShardOf(token);
    std::lock_guard lock(s.mutex);
    s.claims.Erase(std::string(token));
  }
  // Every token (the key set changed).
  void ForgetAll() {
    for (auto& s : shards_) {
      std::lock_guard lock(s->mutex);
      s->claims.Clear();
    }
  }
  std::size_t size() {
    std::size_t n = 0;
    for (auto& s : shards_) {
      std::lock_guard lock(s->mutex);
      n += s->claims.size();
    }
    return n;
  }
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    Shard(std::size_t capacity, std::function<void()> on_evict)
        : claims(capacity, std::move(on_evict)) {}
    std::mutex mutex;
    BoundedCache<std::string, Claims> claims;
  };
  static std::vector<std::unique_ptr<Shard>> MakeShards(std::size_t per_shard,
                                                        const std::function<void()>& on_evict) {
    std::vector<std::unique_ptr<Shard>> shards;
    for (std::size_t i = 0; i < kShards; ++i) {
      shards.push_back(std::make_unique<Shard>(per_shard, on_evict));
    }
    return shards;
  }
  Shard& ShardOf(std::string_view token) {
    return *shards_[std::hash<std::string_view>{}(token) % kShards];
  }

  bool enabled_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> hits_{0};
};

}  // namespace

struct JwtVerifier::Impl {
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway;
  mutable std::shared_mutex mutex;
  std::map<std::string, std::string, std::less<>> keys;  // kid → public key
  RememberedTokens remembered;

  Impl(std::size_t remembered_tokens, const std::function<void()>& on_evict)
      : remembered(remembered_tokens, on_evict) {}

  // The checks of a token's times, made on every call, remembered or not.
  void CheckTimes(const Claims& claims, TimePoint now) const {
    if (claims.issued_at > now + leeway) throw Invalid("issued in the future");
    if (claims.not_before && now + leeway < *claims.not_before) throw Invalid("not valid yet");
    if (now > claims.expires_at + leeway) {
      throw Error(ErrorKind::kUnauthenticated, "token_expired", "access token has expired");
    }
  }
};

JwtVerifier::JwtVerifier(std::string issuer, std::string audience, std::chrono::seconds leeway,
                         std::size_t remembered_tokens, std::function<void()> on_evict)
    : impl_(std::make_unique<Impl>(remembered_tokens, on_evict)) {
  EnsureSodium();
  impl_->issuer = std::move(issuer);
  impl_->audience = std::move(audience);
  impl_->leeway = leeway;
}

JwtVerifier::~JwtVerifier() = default;

void JwtVerifier::SetKeys(std::vector<PublicKey> keys) {
  std::map<std::string, std::string, std::less<>> next;
  for (auto& k : keys) {
    if (k.public_key.size() == crypto_sign_PUBLICKEYBYTES) next[k.kid] = std::move(k.public_key);
  }
  std::unique_lock lock(impl_->mutex);
  // Every remembered token was verified with a key of the set it replaces: they stay true only
  // if each of those keys is still there, unchanged (a rotation that only publishes the next key
  // ahead of time forgets nothing).
  const bool kept = std::all_of(impl_->keys.begin(), impl_->keys.end(), [&](const auto& k) {
    const auto it = next.find(k.first);
    return it != next.end() && it->second == k.second;
  });
  impl_->keys = std::move(next);
  // Under the lock: no verification with a removed key can remember a token after this.
  if (!kept) impl_->remembered.ForgetAll();
}

std::size_t JwtVerifier::remembered() const { return impl_->remembered.size(); }

std::uint64_t JwtVerifier::remembered_hits() const { return impl_->remembered.hits(); }

bool JwtVerifier::HasKey(std::string_view kid) const {
  std::shared_lock lock(impl_->mutex);
  return impl_->keys.find(kid) != impl_->keys.end();
}

std::string JwtVerifier::KeyIdOf(std::string_view token) {
  Parts parts;
  if (!Split(token, parts)) return {};
  try {
    return StringField(DecodeObject(parts.header), "kid");
  } catch (const Error&) {
    return {};
  }
}

Claims JwtVerifier::Verify(std::string_view token, TimePoint now) const {
  if (token.size() > kMaxTokenBytes) throw Invalid("not a JWT");
  if (impl_->remembered.enabled()) {
    if (auto claims = impl_->remembered.Find(token)) {
      try {
        impl_->CheckTimes(*claims, now);
      } catch (const Error&) {
        impl_->remembered.Forget(token);  // expired: no use remembering it
        throw;
      }
      return std::move(*claims);
    }
  }
  Parts parts;
  if (!Split(token, parts)) throw Invalid("not a JWT");
  const auto header = DecodeObject(parts.header);
  if (StringField(header, "alg") != "EdDSA") throw Invalid("unsupported algorithm");
  const std::string kid = StringField(header, "kid");

  std::string signature;
  if (!Base64UrlDecode(parts.signature, signature) || signature.size() != crypto_sign_BYTES) {
    throw Invalid("bad signature");
  }
  // The keys' lock is held to the end, so a change of keys (which forgets every remembered
  // token) cannot come between this check and remembering the token.
  std::shared_lock keys_lock(impl_->mutex);
  {
    const auto it = impl_->keys.find(kid);
    if (it == impl_->keys.end()) throw Invalid("unknown key");
    const std::string_view signing_input =
        token.substr(0, parts.header.size() + 1 + parts.payload.size());
    if (crypto_sign_verify_detached(
            reinterpret_cast<const unsigned char*>(signature.data()),
            reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
            reinterpret_cast<const unsigned char*>(it->second.data())) != 0) {
      throw Invalid("bad signature");
    }
  }

  const auto payload = DecodeObject(parts.payload);
  Claims claims;
  claims.subject = StringField(payload, "sub");
  claims.role = StringField(payload, "role");
  claims.issuer = StringField(payload, "iss");
  claims.token_id = StringField(payload, "jti");
  claims.issued_at = FromUnixSeconds(IntField(payload, "iat"));
  claims.expires_at = FromUnixSeconds(IntField(payload, "exp"));
  if (claims.subject.empty()) throw Invalid("missing subject");
  if (claims.issuer != impl_->issuer) throw Invalid("wrong issuer");
  if (!NamesAudience(payload, impl_->audience)) throw Invalid("wrong audience");
  claims.audience = impl_->audience;
  if (const auto* nbf = payload.if_contains("nbf")) {
    if (!nbf->is_int64()) throw Invalid("bad nbf");
    claims.not_before = FromUnixSeconds(nbf->as_int64());
  }
  impl_->CheckTimes(claims, now);
  if (impl_->remembered.enabled()) impl_->remembered.Put(token, claims);
  return claims;
}

}  // namespace livedrop::auth
