// livedrop-auth: accounts, passwords, access and refresh tokens, signing keys.
// Wiring only: config → database → keys → service → run until SIGTERM.
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <thread>

#include "auth_migrations.h"
#include "auth_service.h"
#include "livedrop/config/config.h"
#include "livedrop/config/service_options.h"
#include "livedrop/core/shutdown.h"
#include "livedrop/grpc/server_runner.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/log/log.h"
#include "livedrop/metrics/admin_server.h"
#include "livedrop/pg/migrations.h"
#include "livedrop/pg/pool.h"

using namespace livedrop;

int main(int argc, char** argv) {
  BlockShutdownSignals();
  config::Spec spec("livedrop-auth", "Accounts, passwords and tokens for Live Drops.");
  config::AddCommonServiceOptions(spec, config::ServiceDefaults{7001, 9001});
  spec.String("kafka-brokers", "Kafka bootstrap servers (host:port,...)")
      .Duration("access-token-ttl", "Lifetime of an access token", std::chrono::minutes(15))
      .Duration("refresh-token-ttl", "Lifetime of a refresh token", std::chrono::hours(24 * 30))
      .String("token-issuer", "The iss claim of access tokens", "livedrop")
      .Int("password-hash-ops", "Argon2id passes (libsodium opslimit)",
           static_cast<long long>(auth::PasswordHashCost::Interactive().ops_limit), 1, 10)
      .Int("password-hash-mem-kib", "Argon2id memory per hash in KiB",
           static_cast<long long>(auth::PasswordHashCost::Interactive().mem_limit_bytes / 1024),
           8, 1 << 20)
      .Int("password-hash-concurrency", "Password hashes computed at once", 2, 1, 64);
  const config::Config cfg = config::ParseOrExit(spec, argc, argv);
  config::InitLogging(cfg, "livedrop-auth");

  try {
    pg::Pool pool(pg::PoolOptions{cfg.GetString("pg-url"), "auth",
                                  static_cast<int>(cfg.GetInt("pg-pool-size"))});
    pg::Migrate(pool, "auth", auth::Migrations());
    pg::Migrate(pool, "outbox", kafka::OutboxMigrations());

    auth::TokenIssuer tokens(
        pool, auth::TokenOptions{
                  cfg.GetString("token-issuer"),
                  std::chrono::duration_cast<std::chrono::seconds>(cfg.GetDuration("access-token-ttl")),
                  std::chrono::duration_cast<std::chrono::seconds>(
                      cfg.GetDuration("refresh-token-ttl"))});
    tokens.LoadOrCreateKeys();
    const auth::PasswordHasher hasher(
        auth::PasswordHashCost{static_cast<unsigned long long>(cfg.GetInt("password-hash-ops")),
                               static_cast<std::size_t>(cfg.GetInt("password-hash-mem-kib")) * 1024},
        static_cast<int>(cfg.GetInt("password-hash-concurrency")));

    kafka::Producer producer(kafka::ProducerOptions{cfg.GetString("kafka-brokers"), "livedrop-auth"});
    kafka::OutboxRelay relay(pool, producer);
    relay.Start();

    auth::AuthServiceImpl service(pool, hasher, tokens);
    rpc::ServerRunner server(rpc::ServerOptions{"livedrop-auth", cfg.GetString("grpc-listen"),
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
    spdlog::critical("livedrop-auth cannot run: {}", e.what());
    return 1;
  }
  return 0;
}
