#include "platform.h"

#include <csignal>
#include <stdexcept>
#include <thread>

#include "livedrop/kafka/mock_cluster.h"
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
  StartAuth();
  inventory_ = StartService("livedrop-inventory", inventory_port_, inventory_admin_port_,
                            Merge({{"LIVEDROP_REDIS_URL", redis_->Url()}}, options_.inventory_env));
  payment_ = StartService("livedrop-payment", payment_port_, payment_admin_port_,
                          Merge({{"LIVEDROP_PROVIDER_TIMEOUT", "500ms"}}, options_.payment_env));
  drops_ = StartService("livedrop-drops", drops_port_, drops_admin_port_,
                        {{"LIVEDROP_REDIS_URL", redis_->Url()}});
  followers_ =
      StartService("livedrop-followers", followers_port_, followers_admin_port_,
                   Merge({{"LIVEDROP_AUTH_ADDR", "127.0.0.1:" + std::to_string(auth_port_)},
                          {"LIVEDROP_REDIS_URL", redis_->Url()}},
                         options_.followers_env));
  StartOrders(options_.orders_env);
  notifications_ =
      StartService("livedrop-notifications", notifications_port_, notifications_admin_port_, {});
  std::string notifications_addr = "127.0.0.1:" + std::to_string(notifications_port_);
  for (int i = 0; i < options_.extra_notifications; ++i) {
    const int port = testing::FreePort();
    extra_notifications_.push_back(
        StartService("livedrop-notifications", port, testing::FreePort(), {}));
    notifications_addr += ",127.0.0.1:" + std::to_string(port);
  }
  for (int i = 0; i <= options_.extra_gateways; ++i) {
    const int port = i == 0 ? http_port_ : testing::FreePort();
    auto gateway = std::make_unique<testing::Process>(
        testing::BinPath("livedrop-gateway"), std::vector<std::string>{},
        Merge({{"LIVEDROP_HTTP_LISTEN", "127.0.0.1:" + std::to_string(port)},
               {"LIVEDROP_AUTH_ADDR", "127.0.0.1:" + std::to_string(auth_port_)},
               {"LIVEDROP_FOLLOWERS_ADDR", "127.0.0.1:" + std::to_string(followers_port_)},
               {"LIVEDROP_DROPS_ADDR", "127.0.0.1:" + std::to_string(drops_port_)},
               {"LIVEDROP_INVENTORY_ADDR", "127.0.0.1:" + std::to_string(inventory_port_)},
               {"LIVEDROP_ORDERS_ADDR", "127.0.0.1:" + std::to_string(orders_port_)},
               {"LIVEDROP_NOTIFICATIONS_ADDR", notifications_addr},
               {"LIVEDROP_KAFKA_BROKERS", brokers_}},
              options_.gateway_env));
    if (!testing::WaitForHttpOk(port, "/readyz", 30s) || !gateway->Running()) {
      throw std::runtime_error("gateway not ready:\n" + gateway->ReadLog());
    }
    gateways_.push_back(std::move(gateway));
    gateway_ports_.push_back(port);
  }
}

Platform::~Platform() {
  if (broker_) ::kill(broker_->pid(), SIGCONT);  // a stopped broker cannot take its SIGTERM
}

std::unique_ptr<testing::Process> Platform::StartService(const std::string& binary, int grpc_port,
                                                         int admin_port,
                                                         std::map<std::string, std::string> env) {
  env = Merge({{"LIVEDROP_PG_URL", db_url_},
               {"LIVEDROP_KAFKA_BROKERS", brokers_},
               {"LIVEDROP_GRPC_LISTEN", "127.0.0.1:" + std::to_string(grpc_port)},
               {"LIVEDROP_ADMIN_LISTEN", "127.0.0.1:" + std::to_string(admin_port)}},
              env);
  auto process =
      std::make_unique<testing::Process>(testing::BinPath(binary), std::vector<std::string>{}, env);
  if (!testing::WaitForHttpOk(admin_port, "/readyz", 30s) || !process->Running()) {
    throw std::runtime_error(binary + " not ready:\n" + process->ReadLog());
  }
  return process;
}

void Platform::StartAuth() {
  // Cheap hashing keeps the suite fast; production uses libsodium's interactive cost.
  auth_ = StartService("livedrop-auth", auth_port_, auth_admin_port_,
                       Merge({{"LIVEDROP_PASSWORD_HASH_OPS", "1"},
                              {"LIVEDROP_PASSWORD_HASH_MEM_KIB", "8"},
                              {"LIVEDROP_REDIS_URL", redis_->Url()}},
                             options_.auth_env));
}

void Platform::StartOrders(const std::map<std::string, std::string>& env) {
  orders_ = StartService(
      "livedrop-orders", orders_port_, orders_admin_port_,
      Merge({{"LIVEDROP_DROPS_ADDR", "127.0.0.1:" + std::to_string(drops_port_)},
             {"LIVEDROP_INVENTORY_ADDR", "127.0.0.1:" + std::to_string(inventory_port_)},
             {"LIVEDROP_PAYMENT_ADDR", "127.0.0.1:" + std::to_string(payment_port_)},
             {"LIVEDROP_ORDER_LEASE", "1s"},
             {"LIVEDROP_RECOVERY_INTERVAL", "200ms"}},
            env));
}

void Platform::RestartOrders(std::map<std::string, std::string> env) {
  if (orders_->Running()) orders_->Kill();
  orders_.reset();
  StartOrders(env);
}

std::string Platform::Metrics(const std::string& service) const {
  const std::map<std::string, int> ports{
      {"auth", auth_admin_port_},       {"followers", followers_admin_port_},
      {"drops", drops_admin_port_},     {"inventory", inventory_admin_port_},
      {"payment", payment_admin_port_}, {"orders", orders_admin_port_}};
  return HttpClient(ports.at(service)).Get("/metrics").body;
}

void Platform::RestartAuth() {
  auth_->Stop();
  StartAuth();
}

std::string Platform::AuthLog() const { return auth_->ReadLog(); }

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
