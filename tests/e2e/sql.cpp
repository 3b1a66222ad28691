#include "sql.h"

#include <pqxx/pqxx>

namespace livedrop::e2e {

long long SqlNumber(const std::string& db_url, const std::string& query) {
  pqxx::connection conn(db_url);
  pqxx::nontransaction tx(conn);
  return tx.exec1(query)[0].as<long long>();
}

long long StockRows(const std::string& db_url, const std::string& drop_id) {
  try {
    return SqlNumber(db_url,
                     "SELECT count(*) FROM inventory.stock WHERE drop_id = '" + drop_id + "'");
  } catch (const pqxx::failure&) {
    return 0;  // the schema is not there yet
  }
}

}  // namespace livedrop::e2e
