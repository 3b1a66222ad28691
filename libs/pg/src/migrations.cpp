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

std::string CreateTable(const std::string& quoted_schema) {
  return "CREATE TABLE IF NOT EXISTS " + quoted_schema + R"sql(.schema_migrations (
    track      text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (track, version)
  ))sql";
}

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
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->version == ordered[i - 1]->version) {
      throw Error(
          ErrorKind::kInternal, "migration_version_duplicate",
          "two migrations of " + track + " share version " + std::to_string(ordered[i]->version));
    }
  }
  const std::string& schema = pool.options().schema;

  int count = 0;
  // First pass verifies every applied migration before anything new runs; each later pass
  // applies one. Every pass is one transaction that first takes the advisory lock, so
  // instances starting together take turns and each re-reads what the other has applied.
  // The lock is per schema, not per track: the tracks of one schema share its table.
  for (std::size_t next = 0;; ++next) {
    const Migration* applied_now = pool.Transact([&](pqxx::work& tx) -> const Migration* {
      // A migration may rewrite a large table: the pool's statement timeout is not for it.
      tx.exec("SET LOCAL statement_timeout = 0");
      tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", schema + ":schema_migrations");
      const std::string table = tx.quote_name(schema);
      if (next == 0) tx.exec(CreateTable(table));
      std::map<int, std::string> applied;
      for (const auto& row : tx.exec_params(
               "SELECT version, checksum FROM " + table + ".schema_migrations WHERE track = $1",
               track)) {
        applied[row[0].as<int>()] = row[1].as<std::string>();
      }
      if (next == 0) {
        for (const Migration* m : ordered) {
          const auto it = applied.find(m->version);
          if (it != applied.end() && it->second != Checksum(m->sql)) {
            throw Error(ErrorKind::kInternal, "migration_checksum_mismatch",
                        "migration " + track + "/" + std::to_string(m->version) + " (" + m->name +
                            ") changed after it was applied; add a new one instead");
          }
        }
      }
      const auto pending = std::find_if(ordered.begin(), ordered.end(), [&](const Migration* m) {
        return applied.count(m->version) == 0;
      });
      if (pending == ordered.end()) return nullptr;
      const Migration& m = **pending;
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO " + table +
                         ".schema_migrations (track, version, name, checksum) "
                         "VALUES ($1, $2, $3, $4)",
                     track, m.version, m.name, Checksum(m.sql));
      return &m;
    });
    if (applied_now == nullptr) return count;
    spdlog::info("applied migration {}/{:04d} {}", track, applied_now->version, applied_now->name);
    ++count;
  }
}

}  // namespace livedrop::pg
