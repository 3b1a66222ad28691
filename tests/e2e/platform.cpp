#include "platform.h"

#include "http_client.h"

#include <algorithm>
#include <pqxx/pqxx>
#include <csignal>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "key_sealer.h"
#include "livedrop/core/ids.h"
#include "livedrop/kafka/mock_cluster.h"
#include "livedrop/pg/roles.h"
#include "livedrop/testing/certs.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/process.h"
#include "livedrop/testing/servers.h"

namespace livedrop::e2e {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> Merge(std::map<std::string, std::string> base,
                                         const std::map<std::string, std::string>& extra) {
  for (const auto& [k, v] : extra) base[k] = v;
  return base;
}

// Starts livedrop-kafka-broker and returns its bootstrap servers, from the line it prints.
std::string StartBroker(std::unique_ptr<testing::Process>& broker) {
  broker = std::make_unique<testing::Process>(testing::BinPath("livedrop-kafka-broker"),
                                              std::vector<std::string>{});
  std::optional<std::string> servers;
  testing::Eventually(
      [&] {
        const std::string log = broker->ReadLog();
        if (const auto at = log.find("bootstrap="); at != std::string::npos) {
          const auto end = log.find('\n', at);
          if (end != std::string::npos) servers = log.substr(at + 10, end - at - 10);
        }
        return servers.has_value() || !broker->Running();
      },
      20s, 50ms);
  if (servers) return *servers;
  throw std::runtime_error("livedrop-kafka-broker did not start:\n" + broker->ReadLog());
}

}  // namespace

Platform::Platform(Options options) : options_(std::move(options)) {
  if (options_.own_postgres) {
    postgres_ = testing::PostgresServer::Private();
    db_url_ = postgres_->CreateDatabase();
  } else {
    db_url_ = testing::PostgresServer::Shared().CreateDatabase();
  }
  // Each service connects as its own role, owning only its schema, as deployed.
  for (const char* service : kDatabaseServices) {
    pg::ProvisionServiceRole(db_url_, service, RoleOf(service));
  }
  if (options_.broker_process) {
    brokers_ = StartBroker(broker_);
  } else {
    kafka_ = std::make_unique<kafka::MockCluster>(1);
    brokers_ = kafka_->BootstrapServers();
  }
  redis_ = std::make_unique<testing::RedisServer>();
  auth_port_ = testing::FreePort();
  auth_admin_port_ = testing::FreePort();
  http_port_ = testing::FreePort();
  followers_port_ = testing::FreePort();
  followers_admin_port_ = testing::FreePort();
  drops_port_ = testing::FreePort();
  drops_admin_port_ = testing::FreePort();
  inventory_port_ = testing::FreePort();
  inventory_admin_port_ = testing::FreePort();
  payment_port_ = testing::FreePort();
  payment_admin_port_ = testing::FreePort();
  notifications_port_ = testing::FreePort();
  notifications_admin_port_ = testing::FreePort();
  orders_port_ = testing::FreePort();
  orders_admin_port_ = testing::FreePort();
  Launch("auth", auth_, auth_port_, auth_admin_port_,
         // Cheap hashing keeps the suite fast; production uses libsodium's interactive cost.
         // Signing keys sealed at rest, as deployed.
         Merge({{"LIVEDROP_KEY_ENCRYPTION_KEY", kKeyEncryptionKey},
                {"LIVEDROP_PASSWORD_HASH_OPS", "1"},
                {"LIVEDROP_PASSWORD_HASH_MEM_KIB", "8"},
                {"LIVEDROP_REDIS_URL", redis_->Url()}},
               options_.auth_env));
  Launch("inventory", inventory_, inventory_port_, inventory_admin_port_,
         Merge({{"LIVEDROP_REDIS_URL", redis_->Url()}}, options_.inventory_env));
  Launch("payment", payment_, payment_port_, payment_admin_port_,
         Merge({{"LIVEDROP_PROVIDER_TIMEOUT", "500ms"}}, options_.payment_env));
  Launch("drops", drops_, drops_port_, drops_admin_port_,
         Merge({{"LIVEDROP_REDIS_URL", redis_->Url()}}, options_.drops_env));
  Launch("followers", followers_, followers_port_, followers_admin_port_,
         Merge({{"LIVEDROP_AUTH_ADDR", Addr("auth")}, {"LIVEDROP_REDIS_URL", redis_->Url()}},
               options_.followers_env));
  Launch("orders", orders_, orders_port_, orders_admin_port_, OrdersEnv(options_.orders_env));
  Launch("notifications", notifications_, notifications_port_, notifications_admin_port_, {});
  extra_notifications_.reserve(static_cast<std::size_t>(options_.extra_notifications));  // slots point into it
  for (int i = 0; i < options_.extra_notifications; ++i) {
    Slot slot{"livedrop-notifications",
              testing::FreePort(),
              testing::FreePort(),
              {},
              &extra_notifications_.emplace_back()};
    *slot.process = SpawnService(slot.binary, slot.grpc_port, slot.admin_port, slot.env);
    slots_["notifications"].push_back(std::move(slot));
  }
  // Every service starts at once (as a cluster starts them) and the gateway once all are ready:
  // a service's clients connect lazily, so none needs another up first.
  for (const auto& [service, slots] : slots_) {
    for (const auto& slot : slots) AwaitReady(slot);
  }
  for (const auto& [service, slots] : slots_) {
    for (const auto& slot : slots) AwaitJoined(slot);
  }
  gateway_env_ = Merge({{"LIVEDROP_AUTH_ADDR", Addr("auth")},
                        {"LIVEDROP_FOLLOWERS_ADDR", Addr("followers")},
                        {"LIVEDROP_DROPS_ADDR", Addr("drops")},
                        {"LIVEDROP_INVENTORY_ADDR", Addr("inventory")},
                        {"LIVEDROP_ORDERS_ADDR", Addr("orders")},
                        {"LIVEDROP_NOTIFICATIONS_ADDR", Addr("notifications")},
                        {"LIVEDROP_KAFKA_BROKERS", brokers_},
                        // Limits shared through the platform's Redis. Every client of a test is
                        // on loopback, and the functional tests make many accounts, orders and
                        // sockets fast: limits are loose unless a test sets its own
                        // (limits_e2e_test); HAProxy (replicas = 2) is the trusted proxy.
                        {"LIVEDROP_REDIS_URL", redis_->Url()},
                        {"LIVEDROP_RATE_LIMIT_EXEMPT", "127.0.0.1"},
                        {"LIVEDROP_TRUSTED_PROXIES", options_.replicas > 1 ? "127.0.0.1" : ""},
                        {"LIVEDROP_LOGIN_PER_ACCOUNT", "100000"},
                        {"LIVEDROP_REGISTER_PER_ACCOUNT", "100000"},
                        {"LIVEDROP_REFRESH_PER_TOKEN", "100000"},
                        {"LIVEDROP_ORDERS_PER_BUYER", "100000"},
                        {"LIVEDROP_ORDERS_IN_FLIGHT", "1000"},
                        {"LIVEDROP_FOLLOWS_PER_USER", "100000"},
                        {"LIVEDROP_WS_PER_USER", "100000"},
                        {"LIVEDROP_WS_OPEN_PER_USER", "1000"}},
                       options_.gateway_env);
  for (auto& [key, value] : testing::TlsEnv("livedrop-gateway")) gateway_env_.emplace(key, value);
  const int gateways = std::max(options_.extra_gateways + 1, options_.replicas);  // 2 balanced
  const bool balanced = options_.replicas > 1;
  gateways_.reserve(static_cast<std::size_t>(gateways));  // slots point into it
  for (int i = 0; i < gateways; ++i) {
    const int port = i == 0 && !balanced ? http_port_ : testing::FreePort();
    const int admin_port = testing::FreePort();
    gateways_.push_back(StartGateway(port, admin_port));
    gateway_ports_.push_back(port);
    slots_["gateway"].push_back(
        Slot{"livedrop-gateway", port, admin_port, {}, &gateways_.back()});
  }
  service_order_.push_back("gateway");
  if (balanced) StartLoadBalancer();
}

Platform::~Platform() {
  if (broker_) ::kill(broker_->pid(), SIGCONT);  // a stopped broker cannot take its SIGTERM
  // Every process is told to stop at once; the members' destructors then wait for each, so
  // the graceful stops overlap instead of adding up.
  if (haproxy_ && haproxy_->Running()) ::kill(haproxy_->pid(), SIGTERM);
  for (const auto& [service, slots] : slots_) {
    for (const auto& slot : slots) {
      if (*slot.process && (*slot.process)->Running()) ::kill((*slot.process)->pid(), SIGTERM);
    }
  }
}

std::unique_ptr<testing::Process> Platform::SpawnService(const std::string& binary, int grpc_port,
                                                         int admin_port,
                                                         std::map<std::string, std::string> env) {
  env = Merge(testing::TlsEnv(binary), env);  // mutual TLS as its own name (testing/certs.h)
  const std::string service = binary.substr(binary.find('-') + 1);  // livedrop-orders: orders
  env = Merge({{"LIVEDROP_PG_URL", pg::WithUser(db_url_, RoleOf(service))},
               {"LIVEDROP_KAFKA_BROKERS", brokers_},
               {"LIVEDROP_GRPC_LISTEN", "127.0.0.1:" + std::to_string(grpc_port)},
               {"LIVEDROP_ADMIN_LISTEN", "127.0.0.1:" + std::to_string(admin_port)}},
              env);
  return std::make_unique<testing::Process>(testing::BinPath(binary), std::vector<std::string>{},
                                            env);
}

std::string Platform::RoleOf(const std::string& service) { return "livedrop_" + service; }

auth::SigningKey Platform::AuthSigningKey() const {
  pqxx::connection conn(db_url_);
  pqxx::work tx(conn);
  const auto row = tx.exec1(
      "SELECT kid, public_key, secret_key FROM auth.signing_keys ORDER BY created_at DESC LIMIT 1");
  std::string kek;
  Base64UrlDecode(kKeyEncryptionKey, kek);
  auth::SigningKey key;
  key.kid = row[0].as<std::string>();
  if (!Base64UrlDecode(row[1].as<std::string>(), key.public_key)) {
    throw std::runtime_error("auth.signing_keys: public_key is not base64url");
  }
  key.secret_key = auth::KeySealer(kek).Open(key.kid, row[2].as<std::string>());
  return key;
}

void Platform::AwaitReady(const Slot& slot) {
  if (!testing::WaitForHttpOk(slot.admin_port, "/readyz", 30s) || !(*slot.process)->Running()) {
    throw std::runtime_error(slot.binary + " not ready:\n" + (*slot.process)->ReadLog());
  }
}

// Every Kafka consumer of the process in its group (livedrop_kafka_consumer_joined on its
// /metrics): a new group waits out the broker's initial rebalance delay (3 s) before its first
// assignment, and a test acting before then would see its events handled only later. Only at
// the platform's start: a restarted member rejoins while the group still waits for the old one.
// With replicas, each member joining a group that already has one makes the mock broker wait
// out a rebalance of session.timeout - 1 s (9 s) for the others to rejoin; instances starting
// a moment apart can cost a group several such rounds (one CI run saw 27 s), hence 60 s.
void Platform::AwaitJoined(const Slot& slot) {
  const auto joined = [&] {
    const auto metrics = HttpClient(slot.admin_port).Get("/metrics");
    if (metrics.status != 200) return false;
    std::istringstream lines(metrics.body);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("livedrop_kafka_consumer_joined{") && line.ends_with(" 0")) return false;
    }
    return true;
  };
  if (!testing::Eventually(joined, 60s, 20ms)) {
    throw std::runtime_error(slot.binary + " did not join its consumer groups:\n" +
                             (*slot.process)->ReadLog());
  }
}

std::unique_ptr<testing::Process> Platform::StartService(const std::string& binary, int grpc_port,
                                                         int admin_port,
                                                         std::map<std::string, std::string> env) {
  Slot slot{binary, grpc_port, admin_port, {}, nullptr};
  auto process = SpawnService(binary, grpc_port, admin_port, std::move(env));
  slot.process = &process;
  AwaitReady(slot);
  return process;
}

void Platform::Launch(const std::string& service, std::unique_ptr<testing::Process>& first,
                      int grpc_port, int admin_port, std::map<std::string, std::string> env) {
  const int instances =
      service == "auth" ? std::max(options_.replicas, options_.auth_replicas) : options_.replicas;
  for (int i = 0; i < instances; ++i) {
    Slot slot{"livedrop-" + service, i == 0 ? grpc_port : testing::FreePort(),
              i == 0 ? admin_port : testing::FreePort(), env,
              i == 0 ? &first : &replicas_.emplace_back()};
    *slot.process = SpawnService(slot.binary, slot.grpc_port, slot.admin_port, slot.env);
    slots_[service].push_back(std::move(slot));
  }
  service_order_.push_back(service);
}

std::string Platform::Addr(const std::string& service) const {
  std::string addr;
  for (const auto& slot : slots_.at(service)) {
    addr += (addr.empty() ? "" : ",") + std::string("127.0.0.1:") + std::to_string(slot.grpc_port);
  }
  return addr;
}

std::map<std::string, std::string> Platform::OrdersEnv(
    const std::map<std::string, std::string>& env) const {
  return Merge({{"LIVEDROP_DROPS_ADDR", Addr("drops")},
                {"LIVEDROP_INVENTORY_ADDR", Addr("inventory")},
                {"LIVEDROP_PAYMENT_ADDR", Addr("payment")},
                {"LIVEDROP_ORDER_LEASE", "1s"},
                {"LIVEDROP_RECOVERY_INTERVAL", "200ms"}},
               env);
}

std::unique_ptr<testing::Process> Platform::StartGateway(int port, int admin_port) {
  auto gateway = std::make_unique<testing::Process>(
      testing::BinPath("livedrop-gateway"), std::vector<std::string>{},
      Merge({{"LIVEDROP_HTTP_LISTEN", "127.0.0.1:" + std::to_string(port)},
             {"LIVEDROP_ADMIN_LISTEN", "127.0.0.1:" + std::to_string(admin_port)}},
            gateway_env_));
  if (!testing::WaitForHttpOk(port, "/readyz", 30s) || !gateway->Running()) {
    throw std::runtime_error("gateway not ready:\n" + gateway->ReadLog());
  }
  return gateway;
}

// HAProxy on http_port_ in front of the two gateways, from deploy/haproxy/haproxy.cfg: health
// checks on /readyz, a connection a dead gateway refuses goes to the other one, WebSocket
// upgrades tunnelled.
void Platform::StartLoadBalancer() {
  if (gateway_ports_.size() != 2) throw std::logic_error("replicas = 2 runs two gateways");
  auto addr = [](int port) { return "127.0.0.1:" + std::to_string(port); };
  haproxy_ = std::make_unique<testing::Process>(
      "/usr/sbin/haproxy", std::vector<std::string>{"-db", "-f", LIVEDROP_E2E_HAPROXY_CFG},
      std::map<std::string, std::string>{{"LIVEDROP_LB_LISTEN", addr(http_port_)},
                                         {"LIVEDROP_GATEWAY0", addr(gateway_ports_[0])},
                                         {"LIVEDROP_GATEWAY1", addr(gateway_ports_[1])}});
  if (!testing::WaitForHttpOk(http_port_, "/readyz", 30s) || !haproxy_->Running()) {
    throw std::runtime_error("haproxy not ready (run ./scripts/livedrop setup):\n" +
                             haproxy_->ReadLog());
  }
}

Platform::Slot& Platform::SlotOf(const std::string& service, int index) {
  return slots_.at(service).at(static_cast<std::size_t>(index));
}

void Platform::Kill(const std::string& service, int index) {
  auto& process = *SlotOf(service, index).process;
  if (process && process->Running()) process->Kill();
}

void Platform::Start(const std::string& service, int index) {
  auto& slot = SlotOf(service, index);
  slot.process->reset();
  *slot.process = service == "gateway"
                      ? StartGateway(slot.grpc_port, slot.admin_port)
                      : StartService(slot.binary, slot.grpc_port, slot.admin_port, slot.env);
  if (service == "gateway" && haproxy_) {
    // HAProxy takes it back after two good checks (rise 2, a down server checked every 1 s).
    testing::Idle(3s, "the load balancer sees the gateway up again");
  }
}

void Platform::Restart(const std::string& service, int index) {
  auto& process = *SlotOf(service, index).process;
  if (process) process->Stop();
  Start(service, index);
}

std::vector<std::string> Platform::Services() const { return service_order_; }

void Platform::RestartOrders(std::map<std::string, std::string> env) {
  Kill("orders", 0);
  SlotOf("orders", 0).env = OrdersEnv(env);
  Start("orders", 0);
}

std::string Platform::Metrics(const std::string& service, int index) const {
  const auto& slot = slots_.at(service).at(static_cast<std::size_t>(index));
  return HttpClient(slot.admin_port).Get("/metrics").body;
}

void Platform::RestartAuth() { Restart("auth", 0); }

std::string Platform::AuthLog() const { return auth_->ReadLog(); }

std::string Platform::GatewayLog(int index) const {
  return slots_.at("gateway").at(static_cast<std::size_t>(index)).process->get()->ReadLog();
}

int Platform::AdminPort(const std::string& service, int index) const {
  return slots_.at(service).at(static_cast<std::size_t>(index)).admin_port;
}

std::string Platform::KafkaBrokers() const { return brokers_; }

void Platform::StopRedis() { redis_->Stop(); }

void Platform::StartRedis() { redis_->Start(); }

std::string Platform::RedisUrl() const { return redis_->Url(); }

void Platform::RestartPostgres() {
  if (!postgres_) throw std::logic_error("RestartPostgres needs Options::own_postgres");
  postgres_->Restart();
}

void Platform::PauseBroker() {
  if (!broker_) throw std::logic_error("PauseBroker needs Options::broker_process");
  ::kill(broker_->pid(), SIGSTOP);
}

void Platform::ResumeBroker() {
  if (!broker_) throw std::logic_error("ResumeBroker needs Options::broker_process");
  ::kill(broker_->pid(), SIGCONT);
}

}  // namespace livedrop::e2e
