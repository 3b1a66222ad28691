#include "db_cost.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

namespace livedrop::loadgen {
namespace {

DbCounters Counters(long long commits, long long rollbacks,
                    std::optional<std::map<std::string, long long>> calls = std::nullopt) {
  DbCounters c;
  c.commits = commits;
  c.rollbacks = rollbacks;
  c.inserted = commits * 2;
  c.write_transactions = commits / 2;
  c.calls = std::move(calls);
  return c;
}

TEST(CountersDelta, SubtractsEveryCounterAndStatementByStatement) {
  const auto before = Counters(100, 10, std::map<std::string, long long>{{"SELECT 1", 5}});
  const auto after =
      Counters(160, 13, std::map<std::string, long long>{{"SELECT 1", 9}, {"INSERT", 4}});
  const auto d = CountersDelta(before, after);
  EXPECT_EQ(d.commits, 60);
  EXPECT_EQ(d.rollbacks, 3);
  EXPECT_EQ(d.inserted, 120);
  EXPECT_EQ(d.write_transactions, 30);
  ASSERT_TRUE(d.calls);
  EXPECT_EQ(d.calls->at("SELECT 1"), 4);
  EXPECT_EQ(d.calls->at("INSERT"), 4);  // first seen after `before`: counted from 0
}

TEST(CountersDelta, NoStatementsUnlessBothSnapshotsHaveThem) {
  const auto d =
      CountersDelta(Counters(1, 0), Counters(2, 0, std::map<std::string, long long>{{"x", 1}}));
  EXPECT_FALSE(d.calls);
}

TEST(Scaled, RoundsEachCounter) {
  const auto s = Scaled(Counters(10, 3, std::map<std::string, long long>{{"x", 5}}), 1.5);
  EXPECT_EQ(s.commits, 15);
  EXPECT_EQ(s.rollbacks, 5);  // 4.5 rounds away from zero
  EXPECT_EQ(s.write_transactions, 8);
  EXPECT_EQ(s.calls->at("x"), 8);
}

TEST(ReportDbCost, DividesByConfirmedOrdersAndSubtractsTheIdleCost) {
  DbCost cost;
  cost.delta = Counters(300, 40, std::map<std::string, long long>{{"UPDATE orders", 500}});
  cost.idle = Counters(100, 0, std::map<std::string, long long>{{"SELECT 1", 50}});
  cost.seconds = 2;
  cost.confirmed_orders = 100;
  cost.finished_orders = 120;
  std::ostringstream out;
  const auto j = ReportDbCost(cost, out);
  EXPECT_DOUBLE_EQ(j.at("per_confirmed_order").at("commits").as_double(), 3.0);
  EXPECT_DOUBLE_EQ(j.at("per_confirmed_order").at("rollbacks").as_double(), 0.4);
  EXPECT_DOUBLE_EQ(j.at("per_confirmed_order").at("write transactions").as_double(), 1.5);
  EXPECT_DOUBLE_EQ(j.at("net_of_idle_per_confirmed_order").at("write transactions").as_double(),
                   1.0);
  EXPECT_DOUBLE_EQ(j.at("net_of_idle_per_confirmed_order").at("commits").as_double(), 2.0);
  EXPECT_DOUBLE_EQ(j.at("per_confirmed_order").at("statement calls").as_double(), 5.0);
  EXPECT_EQ(j.at("finished_orders").as_int64(), 120);
  EXPECT_EQ(j.at("top_statements").as_array().at(0).at("query").as_string(), "UPDATE orders");
  EXPECT_NE(out.str().find("UPDATE orders"), std::string::npos);
}

TEST(ReportDbCost, TheTestProcessorsLedgerIsCountedApartFromThePlatform) {
  DbCost cost;
  const std::string ledger =
      "INSERT INTO test_processor_charges (idempotency_key) SELECT k FROM unnest($1::text[])";
  cost.delta = Counters(300, 0, std::map<std::string, long long>{{ledger, 60}, {"UPDATE x", 500}});
  cost.idle = Counters(20, 0, std::map<std::string, long long>{{"SELECT 1", 20}});
  cost.confirmed_orders = 100;
  std::ostringstream out;
  const auto j = ReportDbCost(cost, out);
  const auto& per = j.at("per_confirmed_order");
  EXPECT_DOUBLE_EQ(per.at("commits").as_double(), 3.0);
  EXPECT_DOUBLE_EQ(per.at("commits: test processor").as_double(), 0.6);
  EXPECT_DOUBLE_EQ(per.at("commits: the platform").as_double(), 2.4);
  EXPECT_DOUBLE_EQ(j.at("net_of_idle_per_confirmed_order").at("commits: the platform").as_double(),
                   2.2);
  EXPECT_EQ(TestProcessorCommits({{ledger, 7}, {"SELECT * FROM orders", 9}}), 7);
}

TEST(ReportDbCost, NothingConfirmedGivesNoRatio) {
  DbCost cost;
  cost.delta = Counters(5, 0);
  std::ostringstream out;
  const auto j = ReportDbCost(cost, out);
  EXPECT_TRUE(j.at("per_confirmed_order").at("commits").is_null());
}

}  // namespace
}  // namespace livedrop::loadgen
