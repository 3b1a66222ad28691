// The offset lag read from librdkafka's statistics JSON (the shape librdkafka 2.0 emits).
#include "../src/consumer_lag.h"

#include <gtest/gtest.h>

namespace livedrop::kafka::internal {
namespace {

TEST(LagByTopic, SumsTheAssignedPartitionsFromTheStoredOffset) {
  const auto lag = LagByTopic(R"({"name": "c#consumer-1", "topics": {
    "livedrop.orders": {"topic": "livedrop.orders", "partitions": {
      "0": {"partition": 0, "desired": true, "consumer_lag": 9, "consumer_lag_stored": 7},
      "1": {"partition": 1, "desired": true, "consumer_lag": 3, "consumer_lag_stored": 2},
      "2": {"partition": 2, "desired": false, "consumer_lag": 50, "consumer_lag_stored": 50},
      "-1": {"partition": -1, "consumer_lag": 100, "consumer_lag_stored": 100}}},
    "livedrop.drops": {"topic": "livedrop.drops", "partitions": {
      "0": {"partition": 0, "desired": true, "consumer_lag": -1, "consumer_lag_stored": -1}}}}})");
  EXPECT_EQ(lag, (std::map<std::string, long long>{{"livedrop.orders", 9}}));
}

TEST(LagByTopic, MalformedStatistics_AreEmpty) {
  EXPECT_TRUE(LagByTopic("").empty());
  EXPECT_TRUE(LagByTopic("[1,2]").empty());
  EXPECT_TRUE(LagByTopic(R"({"topics": {"t": {"partitions": 3}}})").empty());
}

}  // namespace
}  // namespace livedrop::kafka::internal
