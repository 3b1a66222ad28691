#include "livedrop/pg/roles.h"

#include <pqxx/pqxx>

#include "livedrop/core/error.h"

namespace livedrop::pg {
namespace {

// The tables and free-standing sequences of schema $1 that role $2 does not own.
constexpr char kObjectsNotOwned[] = R"sql(
  SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.relname::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'S')
    AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)
    AND NOT (c.relkind = 'S' AND EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
)sql";

}  // namespace

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
  // A schema the owner made (as every deploy did before service roles) keeps tables the role
  // could not use: they go to the role too (with a table go its indexes and its columns'
  // sequences; a sequence of its own is handed over alone).
  const auto objects = tx.exec_params(kObjectsNotOwned, schema, role);
  for (const auto& row : objects) {
    tx.exec("ALTER " + row[0].as<std::string>() + " " + tx.quote_name(schema) + "." +
            tx.quote_name(row[1].as<std::string>()) + " OWNER TO " + name);
  }
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
