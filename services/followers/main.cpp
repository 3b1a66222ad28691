// livedrop-followers: the follow graph and follower counts.
#include "followers_migrations.h"
#include "followers_service.h"
#include "livedrop/grpc/client.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-followers", "The follow graph of Live Drops.", "followers",
       &followers::Migrations(), 7002, 9002},
      argc, argv,
      [](config::Spec& spec) {
        spec.String("auth-addr", "livedrop-auth instances (host:port,...)", "127.0.0.1:7001");
      },
      [](service::Runtime& rt) {
        auto users = std::make_shared<followers::UserDirectory>(
            rpc::MakeChannel(rt.config.GetString("auth-addr")));
        auto service = std::make_shared<followers::FollowersServiceImpl>(rt.pool, *users);
        rt.Serve(service.get());
        rt.Keep(users);
        rt.Keep(service);
      });
}
