#include "livedrop/pg/migrations.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/pg/pool.h"

namespace livedrop::pg {
namespace {

constexpr char kCreateTable[] = R"sql(
  CREATE TABLE IF NOT EXISTS schema_migrations (
    track      text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (track, version)
  )
)sql";

std::string Checksum(const std::string& sql) {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(sql.data()), sql.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

int Migrate(Pool& pool, const std::string& track, const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  for (const auto& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  const std::string schema = pool.options().schema;

  // One transaction: the advisory lock makes concurrent starters take turns, and a failing
  // migration leaves the schema exactly as it was (PostgreSQL DDL is transactional).
  return pool.Transact([&](pqxx::work& tx) {
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", schema + ":migrations");
    tx.exec(kCreateTable);
    std::map<int, std::string> applied;
    for (const auto& row : tx.exec_params(
             "SELECT version, checksum FROM schema_migrations WHERE track = $1", track)) {
      applied[row[0].as<int>()] = row[1].as<std::string>();
    }
    int count = 0;
    for (const Migration* m : ordered) {
      const std::string checksum = Checksum(m->sql);
      if (const auto it = applied.find(m->version); it != applied.end()) {
        if (it->second != checksum) {
          throw Error(ErrorKind::kInternal, "migration_checksum_mismatch",
                      "migration " + track + "/" + std::to_string(m->version) + " (" + m->name +
                          ") changed after it was applied; add a new migration instead");
        }
        continue;
      }
      tx.exec(m->sql);
      tx.exec_params(
          "INSERT INTO schema_migrations (track, version, name, checksum) VALUES ($1, $2, $3, $4)",
          track, m->version, m->name, checksum);
      spdlog::info("applied migration {}/{:04d} {}", track, m->version, m->name);
      ++count;
    }
    return count;
  });
}

}  // namespace livedrop::pg
