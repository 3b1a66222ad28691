#include "livedrop/pg/arrays.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "livedrop/pg/pool.h"
#include "livedrop/testing/servers.h"

namespace livedrop::pg {
namespace {

std::vector<std::string> RoundTrip(const std::vector<std::string>& items) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 1});
  return pool.Transact([&](pqxx::work& tx) {
    std::vector<std::string> back;
    for (const auto& r :
         tx.exec_params("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) "
                        "ORDER BY n",
                        ArrayLiteral(items))) {
      back.push_back(r[0].as<std::string>());
    }
    return back;
  });
}

TEST(ArrayLiteral, EveryElementComesBackAsItWasIncludingQuotesCommasAndBraces) {
  const std::vector<std::string> items{
      "plain", "with,comma", "with \"quote\"", "back\\slash", "{braces}", "", "NULL"};
  EXPECT_EQ(RoundTrip(items), items);
}

TEST(ArrayLiteral, Empty_IsTheEmptyArray) {
  EXPECT_EQ(ArrayLiteral({}), "{}");
  EXPECT_EQ(RoundTrip({}), std::vector<std::string>{});
}

}  // namespace
}  // namespace livedrop::pg
