// livedrop-auth: accounts, passwords, access and refresh tokens, signing keys.
#include "auth_app.h"
#include "auth_grpc.h"
#include "auth_migrations.h"
#include "auth_options.h"
#include "livedrop/redis/pool.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/service/service_main.h"
#include "passwords.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-auth", "Accounts, passwords and tokens for Live Drops.", "auth",
       &auth::Migrations(), 7001, 9001},
      argc, argv, &auth::AuthOptions::Declare, [](service::Runtime& rt) {
        const auto options = auth::AuthOptions::From(rt.config);
        std::shared_ptr<redis::Pool> redis;
        if (!options.redis_url.empty()) {
          redis = std::make_shared<redis::Pool>(redis::RedisOptions{options.redis_url});
        }
        auto hasher = std::make_shared<auth::PasswordHasher>(
            options.password_hash, options.password_hash_concurrency, options.password_hash_queue);
        auto app = std::make_shared<auth::AuthApp>(
            rt.pool, *hasher, options.tokens,
            redis::VersionedCache(redis.get(), "user", options.user_cache_ttl));
        app->LoadOrCreateKeys();
        auto grpc = std::make_shared<auth::AuthGrpc>(*app);
        // Who may call which method (certificate names): the gateway acts for end users;
        // other services act as themselves.
        rt.Serve(grpc.get(), rpc::AccessPolicy()
                                 .Allow<auth::v1::AuthService>(
                                     {"Register", "Login", "Refresh", "Logout", "GetUser", "GetUsers", "GetJwks"},
                                     {rpc::kGatewayIdentity})
                                 .Allow<auth::v1::AuthService>(
                                     {"GetUser"},
                                     {"livedrop-followers"}));
        rt.Keep(redis);
        rt.Keep(hasher);
        rt.Keep(app);
        rt.Keep(grpc);
      });
}
