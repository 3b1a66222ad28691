// livedrop-auth: accounts, passwords, access and refresh tokens, signing keys.
#include "auth_migrations.h"
#include "auth_service.h"
#include "livedrop/pg/pool.h"
#include "livedrop/redis/pool.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  const auto interactive = auth::PasswordHashCost::Interactive();
  return service::ServiceMain(
      {"livedrop-auth", "Accounts, passwords and tokens for Live Drops.", "auth",
       &auth::Migrations(), 7001, 9001},
      argc, argv,
      [&](config::Spec& spec) {
        spec.Duration("access-token-ttl", "Lifetime of an access token", std::chrono::minutes(15))
            .Duration("refresh-token-ttl", "Lifetime of a refresh token",
                      std::chrono::hours(24 * 30))
            .String("token-issuer", "The iss claim of access tokens", "livedrop")
            .Int("password-hash-ops", "Argon2id passes (libsodium opslimit)",
                 static_cast<long long>(interactive.ops_limit), 1, 10)
            .Int("password-hash-mem-kib", "Argon2id memory per hash in KiB",
                 static_cast<long long>(interactive.mem_limit_bytes / 1024), 8, 1 << 20)
            .Int("password-hash-concurrency", "Password hashes computed at once", 2, 1, 64)
            .String("redis-url", "Redis for the user-view cache (redis://host:port); empty: none",
                    "");
      },
      [](service::Runtime& rt) {
        using std::chrono::duration_cast;
        using std::chrono::seconds;
        auto tokens = std::make_shared<auth::TokenIssuer>(
            rt.pool,
            auth::TokenOptions{rt.config.GetString("token-issuer"),
                               duration_cast<seconds>(rt.config.GetDuration("access-token-ttl")),
                               duration_cast<seconds>(rt.config.GetDuration("refresh-token-ttl"))});
        tokens->LoadOrCreateKeys();
        auto hasher = std::make_shared<auth::PasswordHasher>(
            auth::PasswordHashCost{
                static_cast<unsigned long long>(rt.config.GetInt("password-hash-ops")),
                static_cast<std::size_t>(rt.config.GetInt("password-hash-mem-kib")) * 1024},
            static_cast<int>(rt.config.GetInt("password-hash-concurrency")));
        std::shared_ptr<redis::Pool> redis;
        if (!rt.config.GetString("redis-url").empty()) {
          redis = std::make_shared<redis::Pool>(redis::RedisOptions{rt.config.GetString("redis-url")});
        }
        auto service = std::make_shared<auth::AuthServiceImpl>(
            rt.pool, *hasher, *tokens,
            redis::VersionedCache(redis.get(), "user", std::chrono::hours(1)));
        rt.Keep(redis);
        rt.Serve(service.get());
        rt.Keep(tokens);
        rt.Keep(hasher);
        rt.Keep(service);
      });
}
