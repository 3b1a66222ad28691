#include <gtest/gtest.h>

#include "chaos_logic.h"

namespace livedrop::loadgen {
namespace {

using std::chrono::milliseconds;

TEST(ChaosKillTargets, OnlyLiveDropsServicesAndGatewaysFromThePidsFile) {
  const std::string pids =
      "postgres 100\n"
      "redis 101\n"
      "s3rver 102\n"
      "cdn 103\n"
      "kafka-broker 104\n"
      "auth 200\n"
      "auth-2 201\n"
      "orders 202\n"
      "orders-2 203\n"
      "payment-2 204\n"
      "gateway 300\n"
      "gateway-2 301\n"
      "haproxy 302\n"
      "logcap:auth 400\n"
      "logcap:gateway-2 401\n";
  const auto targets = ParseKillTargets(pids);
  std::vector<std::string> names;
  for (const auto& t : targets) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"auth", "auth-2", "orders", "orders-2", "payment-2",
                                             "gateway", "gateway-2"}));
  EXPECT_EQ(targets.front().pid, 200);
  EXPECT_EQ(targets.back().pid, 301);
}

TEST(ChaosKillTargets, SkipsMalformedLines) {
  const auto targets = ParseKillTargets("auth\norders x\npayment 0\ndrops -4\n\ninventory 7 8\n"
                                        "notifications 12\nfollowers 13");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].name, "notifications");
  EXPECT_EQ(targets[1].name, "followers");
  EXPECT_EQ(targets[1].pid, 13);
}

TEST(ChaosKillTargets, NamesAreExact) {
  EXPECT_TRUE(IsKillTarget("inventory-2"));
  EXPECT_FALSE(IsKillTarget("inventory-3"));
  EXPECT_FALSE(IsKillTarget("gateway2"));
  EXPECT_FALSE(IsKillTarget("-2"));
  EXPECT_FALSE(IsKillTarget("logcap:orders"));
  EXPECT_FALSE(IsKillTarget("postgres"));
}

TEST(ChaosRetry, FinalAnswersAndRetriedOnes) {
  for (int s : {201, 402, 409, 400, 401, 403, 404, 422}) {
    EXPECT_EQ(ClassifyForRetry(s), OrderStep::kFinal) << s;
  }
  for (int s : {0, 202, 408, 429, 500, 502, 503, 504}) {
    EXPECT_EQ(ClassifyForRetry(s), OrderStep::kRetry) << s;
  }
}

TEST(ChaosRetry, DelayHonoursRetryAfterUpToTheCap) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(RetryDelay("2", 1, milliseconds(5000), rng), milliseconds(2000));
  EXPECT_EQ(RetryDelay("0", 3, milliseconds(5000), rng), milliseconds(0));
  EXPECT_EQ(RetryDelay("60", 1, milliseconds(5000), rng), milliseconds(5000));
}

TEST(ChaosRetry, DelayBacksOffWithJitterWithoutRetryAfter) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 50; ++i) {
    const auto first = RetryDelay("", 1, milliseconds(2000), rng);
    EXPECT_GE(first, milliseconds(50));
    EXPECT_LE(first, milliseconds(100));
    const auto fourth = RetryDelay("soon", 4, milliseconds(2000), rng);  // not a number
    EXPECT_GE(fourth, milliseconds(400));
    EXPECT_LE(fourth, milliseconds(800));
    const auto late = RetryDelay("", 30, milliseconds(2000), rng);
    EXPECT_GE(late, milliseconds(1000));
    EXPECT_LE(late, milliseconds(2000));
  }
}

TEST(ChaosReplay, DigestAndCompare) {
  const auto confirmed = DigestOrderAnswer(201, R"({"id":"o-1","status":"confirmed"})");
  EXPECT_EQ(confirmed.order_id, "o-1");
  EXPECT_EQ(ReplayMismatch(confirmed, confirmed), "");
  const auto other = DigestOrderAnswer(201, R"({"id":"o-2","status":"confirmed"})");
  EXPECT_EQ(ReplayMismatch(confirmed, other), "order o-1 then o-2");

  const auto declined =
      DigestOrderAnswer(402, R"({"code":"payment_declined","order_id":"o-3","status":402})");
  EXPECT_EQ(declined.code, "payment_declined");
  EXPECT_EQ(declined.order_id, "o-3");
  EXPECT_EQ(ReplayMismatch(declined, DigestOrderAnswer(201, R"({"id":"o-3"})")),
            "status 402 then 201");
  EXPECT_EQ(ReplayMismatch(declined, DigestOrderAnswer(402, R"({"code":"sold_out"})")),
            "order o-3 then -");
}

}  // namespace
}  // namespace livedrop::loadgen
