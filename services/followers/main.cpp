// livedrop-followers: the follow graph and follower counts.
#include "followers_migrations.h"
#include "followers_service.h"
#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/redis/pool.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-followers", "The follow graph of Live Drops.", "followers",
       &followers::Migrations(), 7002, 9002},
      argc, argv,
      [](config::Spec& spec) {
        spec.String("auth-addr", "livedrop-auth instances (host:port,...)", "127.0.0.1:7001")
            .String("redis-url", "Redis for the counts cache (redis://host:port); empty: no cache",
                    "")
            .Duration("cache-ttl", "How long cached counts may live", std::chrono::seconds(30));
      },
      [](service::Runtime& rt) {
        auto users = std::make_shared<followers::UserDirectory>(
            rpc::MakeChannel<auth::v1::AuthService>(rt.config.GetString("auth-addr")));
        std::shared_ptr<redis::Pool> redis;
        if (!rt.config.GetString("redis-url").empty()) {
          redis =
              std::make_shared<redis::Pool>(redis::RedisOptions{rt.config.GetString("redis-url")});
        }
        auto counts = std::make_shared<followers::CountsView>(
            rt.pool,
            redis::VersionedCache(redis.get(), "counts", rt.config.GetDuration("cache-ttl")));
        auto service = std::make_shared<followers::FollowersServiceImpl>(rt.pool, *users, *counts);
        rt.Serve(service.get());
        rt.Keep(redis);
        rt.Keep(counts);
        rt.Keep(users);
        rt.Keep(service);
      });
}
