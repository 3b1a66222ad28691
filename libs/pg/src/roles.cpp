#include "livedrop/pg/roles.h"

#include <pqxx/pqxx>

#include "livedrop/core/error.h"

namespace livedrop::pg {

void ProvisionServiceRole(const std::string& admin_url, const std::string& schema,
                          const std::string& role, const std::string& password) {
  pqxx::connection conn(admin_url);
  pqxx::work tx(conn);
  // Serializes provisioning within this database. Roles are per cluster while advisory locks
  // are per database: provisioning in another database at the same moment may create the role
  // first, which is no error here.
  tx.exec("SELECT pg_advisory_xact_lock(hashtext('livedrop.provision_role'))");
  const auto name = tx.quote_name(role);
  tx.exec("DO $$ BEGIN CREATE ROLE " + name +
          " LOGIN NOINHERIT; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
  if (!password.empty()) tx.exec("ALTER ROLE " + name + " PASSWORD " + tx.quote(password));
  const auto db = tx.quote_name(conn.dbname());
  tx.exec("REVOKE CREATE, TEMPORARY ON DATABASE " + db + " FROM PUBLIC");
  tx.exec("GRANT CONNECT ON DATABASE " + db + " TO " + name);
  tx.exec("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  tx.exec("CREATE SCHEMA IF NOT EXISTS " + tx.quote_name(schema) + " AUTHORIZATION " + name);
  tx.exec("ALTER SCHEMA " + tx.quote_name(schema) + " OWNER TO " + name);
  tx.commit();
}

std::string WithUser(const std::string& url, const std::string& role,
                     const std::string& password) {
  const auto scheme = url.find("://");
  const auto at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                "not a postgresql://user@host/db URL");
  }
  return url.substr(0, scheme + 3) + role + (password.empty() ? "" : ":" + password) +
         url.substr(at);
}

}  // namespace livedrop::pg
