#pragma once

#include <string>

namespace livedrop::pg {

// One PostgreSQL role per service, that can touch only its own schema: run once per service by
// whoever holds the database's owner (deploy scripts, the test platform) before the service
// starts. Creates the LOGIN role `role` if missing (with `password` when not empty), creates
// `schema` owned by it if missing (or hands an existing one to it), and takes from PUBLIC what
// PostgreSQL grants every role by default on the database (TEMP, CREATE) so the service
// cannot make schemas or tables elsewhere. Other services' schemas have no USAGE for it: their
// tables are "permission denied". `admin_url` connects to the service's database as its owner.
void ProvisionServiceRole(const std::string& admin_url, const std::string& schema,
                          const std::string& role, const std::string& password = "");

// `url` with its user (and password) replaced: how the service connects as its role.
std::string WithUser(const std::string& url, const std::string& role,
                     const std::string& password = "");

}  // namespace livedrop::pg
