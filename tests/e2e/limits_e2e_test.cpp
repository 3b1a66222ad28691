// The gateway's limits against the real platform (issue 14): a login storm is refused 429 with
// Retry-After and the RateLimit headers while another account still logs in; the per-buyer
// order limit; limits kept from memory while Redis is down (and Redis used again after); the
// WebSocket and follow limits per user; GraphQL's mutations and sockets under the same limits. The limits are tight here (the platform's defaults are
// loose for the functional tests); every client is on loopback, which these tests do not exempt.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "api.h"
#include "livedrop/core/ids.h"
#include "livedrop/redis/pool.h"
#include "livedrop/testing/eventually.h"
#include "platform.h"
#include "ws_client.h"

namespace livedrop::e2e {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class LimitsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    Platform::Options options;
    options.gateway_env = {
        {"LIVEDROP_RATE_LIMIT_EXEMPT", ""},   {"LIVEDROP_LOGIN_PER_IP", "1000"},
        {"LIVEDROP_REGISTER_PER_IP", "1000"}, {"LIVEDROP_LOGIN_PER_ACCOUNT", "5"},
        {"LIVEDROP_ORDERS_PER_BUYER", "3"},   {"LIVEDROP_FOLLOWS_PER_USER", "3"},
        {"LIVEDROP_WS_OPEN_PER_USER", "2"},  {"LIVEDROP_REFRESH_PER_IP", "3"}};
    platform_ = std::make_unique<Platform>(options);
  }

  HttpClient http() const { return platform_->Http(); }

  HttpResult Login(const Account& who, const std::string& password) const {
    return http().PostJson("/v1/auth/login", json::serialize(json::object{{"email", who.email},
                                                                          {"password", password}}));
  }

  // Keys the gateway's limits hold in Redis.
  long long LimitKeysInRedis() const {
    redis::Pool pool(redis::RedisOptions{platform_->RedisUrl()});
    return static_cast<long long>(pool.Command({"KEYS", "ld:gateway:ratelimit:*"}).elements.size());
  }

  std::unique_ptr<Platform> platform_;
};

TEST_F(LimitsE2E, LoginStorm_IsRefused429WithTheHeaders_WhileAnotherAccountLogsIn) {
  const Account victim = RegisterAccount(http());
  const Account other = RegisterAccount(http());
  std::vector<HttpResult> answers(40);
  std::vector<std::thread> guessers;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    guessers.emplace_back([&, i] { answers[i] = Login(victim, "guess-" + std::to_string(i)); });
  }
  for (auto& t : guessers) t.join();
  int refused = 0, tried = 0;
  for (const auto& r : answers) {
    if (r.status == 401) {
      ++tried;
      continue;
    }
    ExpectProblem(r, 429, "rate_limited");
    EXPECT_GE(std::stoi(r.Header("retry-after")), 1);
    EXPECT_EQ(r.Header("ratelimit-policy"), "\"login-account\";q=5;w=60");
    EXPECT_EQ(r.Header("ratelimit").rfind("\"login-account\";r=0;t=", 0), 0u)
        << r.Header("ratelimit");
    ++refused;
  }
  EXPECT_EQ(tried, 5);  // the account's quota reached the auth service, no more
  EXPECT_EQ(refused, 35);

  const auto theirs = Login(other, "s3cret-pass");
  EXPECT_EQ(theirs.status, 200) << theirs.body;
  ExpectProblem(Login(victim, "s3cret-pass"), 429, "rate_limited");  // even the right password
  EXPECT_GT(LimitKeysInRedis(), 0);                                  // shared through Redis
}

TEST_F(LimitsE2E, OrdersPerBuyer_RefusedPastTheQuota_OtherBuyersNot) {
  const Account buyer = RegisterAccount(http());
  const Account other = RegisterAccount(http());
  const std::string no_drop = NewUuid();  // valid requests that the orders service refuses
  for (int i = 0; i < 3; ++i) {
    const auto r = PlaceOrder(http(), buyer, NewUuid(), no_drop, 1);
    EXPECT_NE(r.status, 429) << i << " " << r.body;
  }
  const auto refused = PlaceOrder(http(), buyer, NewUuid(), no_drop, 1);
  ExpectProblem(refused, 429, "rate_limited");
  EXPECT_EQ(refused.Header("ratelimit-policy"), "\"orders-buyer\";q=3;w=60");
  EXPECT_NE(PlaceOrder(http(), other, NewUuid(), no_drop, 1).status, 429);
}

TEST_F(LimitsE2E, RedisDown_LimitsHoldFromMemory_ThenRedisIsUsedAgain) {
  const Account victim = RegisterAccount(http());
  platform_->StopRedis();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Login(victim, "wrong").status, 401) << i;
  ExpectProblem(Login(victim, "wrong"), 429, "rate_limited");

  platform_->StartRedis();  // empty: it lost every key
  const Account later = RegisterAccount(http());
  EXPECT_TRUE(testing::Eventually(
      [&] {
        Login(later, "s3cret-pass");
        return LimitKeysInRedis() > 0;
      },
      10s, 200ms));
}

// /v1/ws and GraphQL's WebSocket (signed in at connection_init) take places of one count.
TEST_F(LimitsE2E, WebSocketsPerUser_BothKindsCappedTogether_APlaceComesBackOnClose) {
  const Account user = RegisterAccount(http());
  auto connect = [&] {
    WsClient::Options o;
    o.headers = {{"Authorization", "Bearer " + user.access_token}};
    return std::make_unique<WsClient>(platform_->HttpPort(), o);
  };
  // A graphql-transport-ws connection after connection_init: acknowledged, or the close code.
  auto graphql = [&](std::unique_ptr<WsClient>& socket) {
    WsClient::Options o;
    o.target = "/graphql";
    o.subprotocols = "graphql-transport-ws";
    socket = std::make_unique<WsClient>(platform_->HttpPort(), o);
    if (socket->Refused()) return -2;
    socket->Send(json::serialize(json::object{
        {"type", "connection_init"},
        {"payload", {{"Authorization", "Bearer " + user.access_token}}}}));
    if (socket->ReadType("connection_ack", 10s)) return 0;
    return socket->AwaitClose(5s);
  };
  auto first = connect();
  ASSERT_FALSE(first->Refused()) << first->RefusedBody();
  std::unique_ptr<WsClient> second;
  ASSERT_EQ(graphql(second), 0) << "a GraphQL socket within the cap was not acknowledged";
  auto third = connect();
  ASSERT_TRUE(third->Refused());
  EXPECT_EQ(third->RefusedStatus(), 429);
  EXPECT_NE(third->RefusedBody().find("too_many_in_flight"), std::string::npos);
  std::unique_ptr<WsClient> fourth;
  EXPECT_EQ(graphql(fourth), 1013) << "past the cap, GraphQL's socket closes: Try Again Later";

  second.reset();  // closes: its place is given back, to either kind
  EXPECT_TRUE(testing::Eventually([&] { return !connect()->Refused(); }, 10s, 100ms));
  first.reset();
  std::unique_ptr<WsClient> fifth;
  EXPECT_TRUE(testing::Eventually([&] { return graphql(fifth) == 0; }, 10s, 100ms));
}

// GraphQL's login, register and refresh count against the REST routes' per-IP quotas.
TEST_F(LimitsE2E, GraphQLRefreshesFromOneIp_ShareTheRestPerIpQuota) {
  auto graphql_refresh = [&](const std::string& token) {
    return http().PostJson(
        "/graphql",
        json::serialize(json::object{
            {"query", "mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }"},
            {"variables", {{"t", token}}}}));
  };
  int refused = 0, tried = 0;
  for (int i = 0; i < 4; ++i) {  // distinct tokens: no per-token limit applies
    const auto r = graphql_refresh("not-a-token-" + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
    if (r.body.find("\"rate_limited\"") != std::string::npos) {
      ++refused;
      EXPECT_NE(r.body.find("refresh-ip"), std::string::npos) << r.body;
    } else {
      ++tried;
    }
  }
  EXPECT_EQ(tried, 3);  // LIVEDROP_REFRESH_PER_IP
  EXPECT_EQ(refused, 1);
  const auto rest = http().PostJson("/v1/auth/refresh",
                                    json::serialize(json::object{{"refresh_token", "not-a-token"}}));
  ExpectProblem(rest, 429, "rate_limited");
  EXPECT_EQ(rest.Header("ratelimit-policy"), "\"refresh-ip\";q=3;w=60");
}

TEST_F(LimitsE2E, FollowsPerUser_RefusedPastTheQuota) {
  const Account fan = RegisterAccount(http());
  std::vector<Account> creators;
  for (int i = 0; i < 4; ++i) creators.push_back(RegisterAccount(http(), "creator"));
  auto follow = [&](const Account& creator) {
    return http().Request("PUT", "/v1/me/following/" + creator.id, "",
                          {{"Authorization", "Bearer " + fan.access_token}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(follow(creators[i]).status, 200) << i;
  const auto refused = follow(creators[3]);
  ExpectProblem(refused, 429, "rate_limited");
  EXPECT_EQ(refused.Header("ratelimit-policy"), "\"follows-user\";q=3;w=60");
}

// Reads are not limited unless configured: with --reads-per-ip, GETs of the API from one address
// are refused past the quota, while /healthz (probed by load balancers) is not.
class ReadLimitsE2E : public LimitsE2E {
 protected:
  void SetUp() override {
    Platform::Options options;
    options.gateway_env = {{"LIVEDROP_RATE_LIMIT_EXEMPT", ""}, {"LIVEDROP_READS_PER_IP", "5"}};
    platform_ = std::make_unique<Platform>(options);
  }
};

TEST_F(ReadLimitsE2E, ReadsPerIp_RefusedPastTheQuota_HealthzNot) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(http().Get("/v1/drops").status, 200) << i;
  const auto refused = http().Get("/v1/drops");
  ExpectProblem(refused, 429, "rate_limited");
  EXPECT_EQ(refused.Header("ratelimit-policy"), "\"reads-ip\";q=5;w=60");
  EXPECT_FALSE(refused.Header("retry-after").empty());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(http().Get("/healthz").status, 200) << i;
}

}  // namespace
}  // namespace livedrop::e2e
