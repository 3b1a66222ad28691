#include "livedrop/testing/service_database.h"

#include <pqxx/pqxx>

#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/testing/servers.h"

namespace livedrop::testing {
namespace {

// The outbox is in the service's schema, first on the pool's search_path.
constexpr const char* kCountAllSql = "SELECT count(*) FROM outbox";
constexpr const char* kCountTypeSql = "SELECT count(*) FROM outbox WHERE event_type = $1";
constexpr const char* kCountTypeKeySql =
    "SELECT count(*) FROM outbox WHERE event_type = $1 AND key = $2";
constexpr const char* kSelectAllSql =
    "SELECT topic, key, event_type, payload FROM outbox ORDER BY seq";

}  // namespace

ServiceDatabase::ServiceDatabase(std::string schema, const std::vector<pg::Migration>& migrations,
                                 int pool_size)
    : schema_(std::move(schema)),
      url_(PostgresServer::Shared().CreateDatabase()),
      pool_(pg::PoolOptions{url_, schema_, pool_size}) {
  pg::Migrate(pool_, schema_, migrations);
  pg::Migrate(pool_, "outbox", kafka::OutboxMigrations());
}

int ServiceDatabase::OutboxSize() {
  return pool_.Transact([](pqxx::work& tx) { return tx.exec1(kCountAllSql)[0].as<int>(); });
}

int ServiceDatabase::OutboxCount(const std::string& event_type) {
  return pool_.Transact(
      [&](pqxx::work& tx) { return tx.exec_params1(kCountTypeSql, event_type)[0].as<int>(); });
}

int ServiceDatabase::OutboxCount(const std::string& event_type, const std::string& key) {
  return pool_.Transact([&](pqxx::work& tx) {
    return tx.exec_params1(kCountTypeKeySql, event_type, key)[0].as<int>();
  });
}

std::vector<OutboxEvent> ServiceDatabase::OutboxEvents() {
  return pool_.Transact([](pqxx::work& tx) {
    std::vector<OutboxEvent> out;
    for (const auto& r : tx.exec(kSelectAllSql)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     kafka::ParseEnvelope(pqxx::binarystring(r[3]).str())});
    }
    return out;
  });
}

}  // namespace livedrop::testing
