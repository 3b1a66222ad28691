// livedrop-followers: the follow graph and follower counts.
// Wiring only: config → database → auth client → service → run until SIGTERM.
#include <spdlog/spdlog.h>

#include "followers_migrations.h"
#include "followers_service.h"
#include "livedrop/config/config.h"
#include "livedrop/config/service_options.h"
#include "livedrop/core/shutdown.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/server_runner.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/metrics/admin_server.h"
#include "livedrop/pg/migrations.h"
#include "livedrop/pg/pool.h"

using namespace livedrop;

int main(int argc, char** argv) {
  BlockShutdownSignals();
  config::Spec spec("livedrop-followers", "The follow graph of Live Drops.");
  config::AddCommonServiceOptions(spec, config::ServiceDefaults{7002, 9002});
  spec.String("kafka-brokers", "Kafka bootstrap servers (host:port,...)")
      .String("auth-addr", "livedrop-auth instances (host:port,...)", "127.0.0.1:7001");
  const config::Config cfg = config::ParseOrExit(spec, argc, argv);
  config::InitLogging(cfg, "livedrop-followers");

  try {
    pg::Pool pool(pg::PoolOptions{cfg.GetString("pg-url"), "followers",
                                  static_cast<int>(cfg.GetInt("pg-pool-size"))});
    pg::Migrate(pool, "followers", followers::Migrations());
    pg::Migrate(pool, "outbox", kafka::OutboxMigrations());

    kafka::Producer producer(
        kafka::ProducerOptions{cfg.GetString("kafka-brokers"), "livedrop-followers"});
    kafka::OutboxRelay relay(pool, producer);
    relay.Start();

    followers::UserDirectory users(rpc::MakeChannel(cfg.GetString("auth-addr")));
    followers::FollowersServiceImpl service(pool, users);
    rpc::ServerRunner server(rpc::ServerOptions{"livedrop-followers", cfg.GetString("grpc-listen"),
                                                static_cast<int>(cfg.GetInt("grpc-max-threads")),
                                                cfg.GetDuration("shutdown-grace")});
    server.AddService(&service);
    server.Start();

    metrics::AdminServer admin(cfg.GetString("admin-listen"), [&] { return pool.Healthy(); });
    admin.Start();

    const int sig = WaitForShutdownSignal();
    spdlog::info("signal {} received, draining", sig);
    server.Shutdown();
    relay.Stop();
    admin.Stop();
  } catch (const std::exception& e) {
    spdlog::critical("livedrop-followers cannot run: {}", e.what());
    return 1;
  }
  return 0;
}
