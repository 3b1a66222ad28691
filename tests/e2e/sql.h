#pragma once

#include <string>

// What end-to-end tests read straight from the platform's database.
namespace livedrop::e2e {

// The one number `query` answers (e.g. a count), on a fresh connection to `db_url`.
long long SqlNumber(const std::string& db_url, const std::string& query);
// How many inventory.stock rows the drop has: 0 also while inventory's schema is not there.
long long StockRows(const std::string& db_url, const std::string& drop_id);

}  // namespace livedrop::e2e
