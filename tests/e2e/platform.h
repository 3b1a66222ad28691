#pragma once

#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http_client.h"
#include "livedrop/auth/jwt.h"

namespace livedrop::kafka {
class MockCluster;
}
namespace livedrop::testing {
class PostgresServer;
class Process;
class RedisServer;
}  // namespace livedrop::testing

namespace livedrop::e2e {

// The real binaries on free loopback ports against a fresh PostgreSQL database and an
// in-process Kafka-protocol broker: what the end-to-end tests talk to through the gateway.
class Platform {
 public:
  struct Options {
    std::map<std::string, std::string> auth_env;  // extra LIVEDROP_* for livedrop-auth
    std::map<std::string, std::string> followers_env;
    std::map<std::string, std::string> drops_env;
    std::map<std::string, std::string> inventory_env;
    std::map<std::string, std::string> orders_env;
    std::map<std::string, std::string> payment_env;
    std::map<std::string, std::string> gateway_env;  // extra LIVEDROP_* for the gateway
    int extra_gateways = 0;       // more gateway instances (HttpPort(1), HttpPort(2), ...)
    int extra_notifications = 0;  // more livedrop-notifications instances (one consumer group)
    bool own_postgres = false;    // a PostgreSQL server of its own, for RestartPostgres()
    bool broker_process = false;  // the broker as its own process, for PauseBroker()
    // 2: two instances of every service (callers get both addresses, comma-separated, and
    // balance over them) and two gateways behind HAProxy, which Http() and HttpPort() reach.
    int replicas = 1;
    // More instances of livedrop-auth alone (at least `replicas`): key rotation across them.
    int auth_replicas = 0;
  };

  explicit Platform(Options options);
  Platform() : Platform(Options{}) {}
  ~Platform();

  HttpClient Http() const { return HttpClient(http_port_); }
  int HttpPort() const { return http_port_; }
  int HttpPort(int gateway) const { return gateway_ports_.at(static_cast<std::size_t>(gateway)); }
  // The database as its owner (tests read and write any schema with it).
  const std::string& DatabaseUrl() const { return db_url_; }
  // The services with a database, and the role each connects as (livedrop_<service>).
  static constexpr const char* kDatabaseServices[] = {
      "auth", "followers", "drops", "inventory", "orders", "payment", "notifications"};
  static std::string RoleOf(const std::string& service);
  // livedrop-auth's key-encryption key (base64url), which seals its signing keys at rest.
  static constexpr char kKeyEncryptionKey[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
  // The key livedrop-auth signs with now, read from its database and unsealed: what a test
  // forging tokens with exactly the claims under test needs.
  auth::SigningKey AuthSigningKey() const;

  // Stops and starts livedrop-auth again on the same port and database.
  void RestartAuth();
  std::string AuthLog() const;
  // What a gateway instance wrote to stdout and stderr (its log and access log) so far.
  std::string GatewayLog(int index = 0) const;
  // The Kafka-protocol broker every service uses (to publish events from a test).
  std::string KafkaBrokers() const;
  // Stops livedrop-orders at once (a crash) if it still runs, and starts it again on the same
  // port and database with `env` instead of options.orders_env.
  void RestartOrders(std::map<std::string, std::string> env);
  testing::Process& Orders() { return *orders_; }
  // Prometheus text of a service's admin port ("inventory", "payment", ..., "gateway"), of its
  // instance `index`; the port itself (/metrics, /healthz, /readyz).
  std::string Metrics(const std::string& service, int index = 0) const;
  int AdminPort(const std::string& service, int index = 0) const;
  // Every instance's gRPC address of a service ("orders"): "127.0.0.1:port[,...]".
  std::string GrpcAddress(const std::string& service) const { return Addr(service); }
  // One instance of a service ("auth", "orders", ..., or "gateway"), 0 <= index < replicas
  // (or a gateway of extra_gateways): SIGKILL at once (a crash); started again on the same
  // ports with the same settings, waiting for its /readyz; stopped with SIGTERM and started
  // again (one step of a rolling restart).
  void Kill(const std::string& service, int index);
  void Start(const std::string& service, int index);
  void Restart(const std::string& service, int index);
  // The names Kill/Start/Restart take, services first, "gateway" last.
  std::vector<std::string> Services() const;
  // The read cache's Redis, to check that reads survive without it.
  void StopRedis();
  void StartRedis();
  std::string RedisUrl() const;
  // Dependency faults (need own_postgres / broker_process): PostgreSQL restarted with a fast
  // shutdown that ends every session, as `pg_ctl restart` does; the broker stopped (SIGSTOP)
  // and continued, as a stalled host — its data lives only in memory.
  void RestartPostgres();
  void PauseBroker();
  void ResumeBroker();

 private:
  // One instance: the binary, its ports and settings, and where its process is held.
  struct Slot {
    std::string binary;
    int grpc_port = 0, admin_port = 0;  // a gateway: its HTTP port and its admin port
    std::map<std::string, std::string> env;
    std::unique_ptr<testing::Process>* process = nullptr;
  };
  // Starts options.replicas instances of livedrop-<service> (the first on these ports, held in
  // `first`) and registers them; the caller waits for them (AwaitReady).
  void Launch(const std::string& service, std::unique_ptr<testing::Process>& first, int grpc_port,
              int admin_port, std::map<std::string, std::string> env);
  // "127.0.0.1:<port>" of every instance of a service, comma-separated.
  std::string Addr(const std::string& service) const;
  std::map<std::string, std::string> OrdersEnv(const std::map<std::string, std::string>& env) const;
  std::unique_ptr<testing::Process> StartGateway(int port, int admin_port);
  void StartLoadBalancer();
  Slot& SlotOf(const std::string& service, int index);
  // Starts a service's process (SpawnService) and waits until its /readyz answers (AwaitReady).
  std::unique_ptr<testing::Process> StartService(const std::string& binary, int grpc_port,
                                                 int admin_port,
                                                 std::map<std::string, std::string> env);
  std::unique_ptr<testing::Process> SpawnService(const std::string& binary, int grpc_port,
                                                 int admin_port,
                                                 std::map<std::string, std::string> env);
  static void AwaitReady(const Slot& slot);
  static void AwaitJoined(const Slot& slot);

  Options options_;
  std::string db_url_;
  std::unique_ptr<testing::PostgresServer> postgres_;  // with own_postgres
  std::unique_ptr<kafka::MockCluster> kafka_;
  std::unique_ptr<testing::Process> broker_;  // with broker_process
  std::string brokers_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::Process> auth_;
  std::unique_ptr<testing::Process> followers_;
  std::unique_ptr<testing::Process> drops_;
  std::unique_ptr<testing::Process> inventory_;
  std::unique_ptr<testing::Process> payment_;
  std::unique_ptr<testing::Process> orders_;
  std::unique_ptr<testing::Process> notifications_;
  std::vector<std::unique_ptr<testing::Process>> extra_notifications_;
  std::vector<std::unique_ptr<testing::Process>> gateways_;
  std::vector<int> gateway_ports_;
  std::list<std::unique_ptr<testing::Process>> replicas_;  // instances past the first
  std::map<std::string, std::vector<Slot>> slots_;
  std::vector<std::string> service_order_;
  std::map<std::string, std::string> gateway_env_;
  std::unique_ptr<testing::Process> haproxy_;  // with replicas > 1; stopped first
  int auth_port_ = 0, auth_admin_port_ = 0, http_port_ = 0;
  int followers_port_ = 0, followers_admin_port_ = 0;
  int drops_port_ = 0, drops_admin_port_ = 0;
  int inventory_port_ = 0, inventory_admin_port_ = 0;
  int payment_port_ = 0, payment_admin_port_ = 0;
  int orders_port_ = 0, orders_admin_port_ = 0;
  int notifications_port_ = 0, notifications_admin_port_ = 0;
};

}  // namespace livedrop::e2e
