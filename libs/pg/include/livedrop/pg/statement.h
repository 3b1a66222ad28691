#pragma once

#include <pqxx/connection_base>
#include <pqxx/transaction_base>
#include <utility>

namespace livedrop::pg {

// A named statement, prepared on each pooled connection the first time it runs there: the
// server parses and plans it once per connection rather than once per call. Keep the SQL a
// constant beside the repository that runs it.
struct Statement {
  const char* name;
  const char* sql;
};

// Runs `statement` with `args` as a prepared statement in `tx`. (libpqxx records the
// definition on the connection, registers it with the server on first use and again after a
// reconnect; defining the same name with the same SQL again is a no-op.)
template <class... Args>
pqxx::result Exec(pqxx::transaction_base& tx, const Statement& statement, Args&&... args) {
  tx.conn().prepare(statement.name, statement.sql);
  return tx.exec_prepared(statement.name, std::forward<Args>(args)...);
}

}  // namespace livedrop::pg
