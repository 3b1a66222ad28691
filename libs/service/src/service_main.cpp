#include "livedrop/service/service_main.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "livedrop/config/service_options.h"
#include "livedrop/core/error.h"
#include "livedrop/core/shutdown.h"
#include "livedrop/grpc/server_runner.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/kafka/security.h"
#include "livedrop/metrics/admin_server.h"
#include "livedrop/pg/pool.h"

namespace livedrop::service {
namespace {

// A database still starting, restarting or too busy to accept at once is waited for (as a
// caller waits for a dependency), not a reason to exit: `wait` bounds it.
std::unique_ptr<pg::Pool> OpenPool(const pg::PoolOptions& options, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  for (int attempt = 1;; ++attempt) {
    try {
      return std::make_unique<pg::Pool>(options);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kUnavailable || std::chrono::steady_clock::now() >= until) throw;
      spdlog::warn("database unavailable ({}); trying again", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(250 * attempt, 2000)));
    }
  }
}

}  // namespace

kafka::ConsumerOptions Runtime::Consumer(const std::string& group_id,
                                         std::vector<std::string> topics) const {
  kafka::ConsumerOptions o;
  o.brokers = config.GetString("kafka-brokers");
  o.group_id = group_id;
  o.client_id = group_id;
  o.topics = std::move(topics);
  o.fetch_wait_max = config.GetDuration("kafka-fetch-wait-max");
  o.session_timeout = config.GetDuration("kafka-session-timeout");
  return o;
}

int ServiceMain(const ServiceSpec& spec, int argc, char** argv, const AddOptions& add_options,
                const Wire& wire) {
  BlockShutdownSignals();
  config::Spec options(spec.name, spec.summary);
  config::AddCommonServiceOptions(options,
                                  config::ServiceDefaults{spec.grpc_port, spec.admin_port});
  options.String("kafka-brokers", "Kafka bootstrap servers (host:port,...)")
      .Duration("kafka-linger",
                "How long the producer lets an event wait for others to share its request "
                "(linger.ms): every idle event hop pays it once",
                kafka::ProducerOptions{}.linger)
      .Duration("kafka-fetch-wait-max",
                "How long the broker may hold an empty fetch (fetch.wait.max.ms): with real "
                "Kafka only how often idle consumers ask; the dev broker adds it to every hop",
                kafka::ConsumerOptions{}.fetch_wait_max)
      .Duration("kafka-session-timeout",
                "How long a consumer group waits for a member that stopped heartbeating "
                "(session.timeout.ms) before its partitions go to the others: the stall after "
                "an instance is killed. Within the broker's group.min/max.session.timeout.ms",
                kafka::ConsumerOptions{}.session_timeout);
  kafka::AddSecurityOptions(options);
  if (add_options) add_options(options);
  const config::Config cfg = config::ParseOrExit(options, argc, argv);
  config::InitLogging(cfg, spec.name);

  try {
    kafka::SetProcessSecurity(kafka::SecurityFrom(cfg));  // every producer and consumer
    // One more connection than asked: the outbox relay keeps one (its lead, and LISTEN).
    pg::PoolOptions pool_options{cfg.GetString("pg-url"), spec.schema,
                                 static_cast<int>(cfg.GetInt("pg-pool-size")) + 1};
    pool_options.statement_timeout = cfg.GetDuration("pg-statement-timeout");
    auto owned_pool = OpenPool(pool_options, cfg.GetDuration("pg-start-wait"));
    pg::Pool& pool = *owned_pool;
    if (spec.migrations != nullptr) pg::Migrate(pool, spec.schema, *spec.migrations);
    pg::Migrate(pool, "outbox", kafka::OutboxMigrations());

    kafka::ProducerOptions producer_options;
    producer_options.brokers = cfg.GetString("kafka-brokers");
    producer_options.client_id = spec.name;
    producer_options.linger = cfg.GetDuration("kafka-linger");
    kafka::Producer producer(std::move(producer_options));
    kafka::OutboxRelay relay(pool, producer);
    relay.Start();

    // Mutual TLS for the server and every channel the wiring makes (rpc::MakeChannel).
    rpc::SetProcessTls(rpc::LoadTlsIdentity(cfg.GetString("grpc-tls-ca"), cfg.GetString("grpc-tls-cert"),
                                            cfg.GetString("grpc-tls-key")));

    Runtime runtime{cfg, pool, producer};
    wire(runtime);

    rpc::ServerOptions server_options{spec.name, cfg.GetString("grpc-listen"),
                                      static_cast<int>(cfg.GetInt("grpc-max-threads")),
                                      cfg.GetDuration("shutdown-grace")};
    server_options.tls = rpc::ProcessTls();
    server_options.access = runtime.access;
    server_options.reflection = cfg.GetBool("grpc-reflection");
    server_options.max_connection_age = cfg.GetDuration("grpc-max-connection-age");
    rpc::ServerRunner server(std::move(server_options));
    for (auto* s : runtime.services) server.AddService(s);
    server.Start();

    metrics::AdminServer admin(cfg.GetString("admin-listen"), [&] { return pool.Healthy(); });
    admin.Start();

    const int sig = WaitForShutdownSignal();
    spdlog::info("signal {} received, draining", sig);
    server.Shutdown();
    // Objects were kept in the order they were built, each after what it uses: release them
    // newest first so background threads stop before what they touch goes.
    while (!runtime.kept.empty()) runtime.kept.pop_back();
    relay.Stop();
    admin.Stop();
  } catch (const std::exception& e) {
    spdlog::critical("{} cannot run: {}", spec.name, e.what());
    return 1;
  }
  return 0;
}

}  // namespace livedrop::service
