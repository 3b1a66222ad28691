// livedrop-followers: the follow graph and follower counts.
#include "clients/auth_grpc_client.h"
#include "followers_app.h"
#include "followers_grpc.h"
#include "followers_migrations.h"
#include "followers_options.h"
#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/redis/pool.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-followers", "The follow graph of Live Drops.", "followers",
       &followers::Migrations(), 7002, 9002},
      argc, argv, &followers::FollowersOptions::Declare, [](service::Runtime& rt) {
        const auto options = followers::FollowersOptions::From(rt.config);
        auto auth = std::make_shared<followers::AuthGrpcClient>(
            rpc::MakeChannel<auth::v1::AuthService>(options.auth_addr), options.auth_timeout);
        std::shared_ptr<redis::Pool> redis;
        if (!options.redis_url.empty()) {
          redis = std::make_shared<redis::Pool>(redis::RedisOptions{options.redis_url});
        }
        auto follows = std::make_shared<followers::PgFollowsRepository>(rt.pool);
        auto app = std::make_shared<followers::FollowersApp>(
            *follows, *auth, redis::VersionedCache(redis.get(), "counts", options.cache_ttl),
            options);
        auto grpc = std::make_shared<followers::FollowersGrpc>(*app);
        // Who may call which method (certificate names): the gateway acts for end users;
        // other services act as themselves.
        rt.Serve(grpc.get(), rpc::AccessPolicy()
                                 .Allow<followers::v1::FollowersService>(
                                     {"Follow", "Unfollow", "IsFollowing", "ListFollowers", "ListFollowing", "GetCounts",
                         "BatchGetCounts"},
                                     {rpc::kGatewayIdentity}));
        rt.Keep(auth);
        rt.Keep(redis);
        rt.Keep(follows);
        rt.Keep(app);
        rt.Keep(grpc);
      });
}
