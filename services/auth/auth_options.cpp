#include "auth_options.h"

#include "livedrop/config/config.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop::auth {

void AuthOptions::Declare(config::Spec& spec) {
  const AuthOptions d;
  spec.Duration("access-token-ttl", "Lifetime of an access token", d.tokens.access_ttl)
      .Duration("refresh-token-ttl", "Lifetime of a refresh token", d.tokens.refresh_ttl)
      .String("token-issuer", "The iss claim of access tokens", d.tokens.issuer)
      .String("token-audience", "The aud claim of access tokens (the gateway checks it)",
              d.tokens.audience)
      .Duration("key-rotation", "How long one signing key signs before the next takes over",
                d.tokens.key_rotation)
      .Duration("key-publish-lead",
                "How long a new signing key is published before it signs (longer than the "
                "gateways' --jwks-refresh plus --key-reload)",
                d.tokens.key_publish_lead)
      .Duration("key-reload", "How often the signing keys are read again (and rotated when due)",
                d.tokens.key_reload)
      .Secret("key-encryption-key",
              "32 random bytes in base64url that encrypt the signing keys' private halves in "
              "the database (plain rows are encrypted at start-up); empty: stored unencrypted",
              "")
      .Int("password-hash-ops", "Argon2id passes (libsodium opslimit)",
           static_cast<long long>(d.password_hash.ops_limit), 1, 10)
      .Int("password-hash-mem-kib", "Argon2id memory per hash in KiB",
           static_cast<long long>(d.password_hash.mem_limit_bytes / 1024), 8, 1 << 20)
      .Int("password-hash-concurrency", "Password hashes computed at once",
           d.password_hash_concurrency, 1, 64)
      .Int("password-hash-queue",
           "Hashes that may wait for one of those at once; more are refused busy (429) at once",
           d.password_hash_queue.max_waiting, 0, 100000)
      .Duration("password-hash-wait",
                "Longest wait for a hash slot (never past the caller's deadline), then busy",
                d.password_hash_queue.max_wait)
      .String("redis-url", "Redis for the user-view cache (redis://host:port); empty: none",
              d.redis_url)
      .Duration("user-cache-ttl", "How long a cached user view may live", d.user_cache_ttl);
}

AuthOptions AuthOptions::From(const config::Config& cfg) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  AuthOptions o;
  o.tokens.issuer = cfg.GetString("token-issuer");
  o.tokens.audience = cfg.GetString("token-audience");
  o.tokens.key_rotation = cfg.GetDuration("key-rotation");
  o.tokens.key_publish_lead = cfg.GetDuration("key-publish-lead");
  o.tokens.key_reload = cfg.GetDuration("key-reload");
  if (const auto& kek = cfg.GetString("key-encryption-key"); !kek.empty()) {
    if (!Base64UrlDecode(kek, o.tokens.key_encryption_key) ||
        o.tokens.key_encryption_key.size() != 32) {
      throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                  "--key-encryption-key (LIVEDROP_KEY_ENCRYPTION_KEY) must be 32 bytes in "
                  "base64url");
    }
  }
  o.tokens.access_ttl = duration_cast<seconds>(cfg.GetDuration("access-token-ttl"));
  o.tokens.refresh_ttl = duration_cast<seconds>(cfg.GetDuration("refresh-token-ttl"));
  o.password_hash.ops_limit = static_cast<unsigned long long>(cfg.GetInt("password-hash-ops"));
  o.password_hash.mem_limit_bytes =
      static_cast<std::size_t>(cfg.GetInt("password-hash-mem-kib")) * 1024;
  o.password_hash_concurrency = static_cast<int>(cfg.GetInt("password-hash-concurrency"));
  o.password_hash_queue.max_waiting = static_cast<int>(cfg.GetInt("password-hash-queue"));
  o.password_hash_queue.max_wait = cfg.GetDuration("password-hash-wait");
  o.redis_url = cfg.GetString("redis-url");
  o.user_cache_ttl = cfg.GetDuration("user-cache-ttl");
  return o;
}

}  // namespace livedrop::auth
