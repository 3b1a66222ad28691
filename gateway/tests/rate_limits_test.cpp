// The gateway's limits without Redis (the limiter's own tests cover Redis): the 429 answer and
// its headers, which address counts, and RateLimits admitting or refusing a request.
#include "server/rate_limits.h"

#include <gtest/gtest.h>

#include <future>

#include "livedrop/ratelimit/limiter.h"
#include "server/client_address.h"

namespace livedrop::gateway {
namespace {

using namespace std::chrono_literals;

http::Request From(const std::string& peer, std::vector<std::string> forwarded = {}) {
  http::Request r;
  r.method = "POST";
  r.path = r.target = "/v1/auth/login";
  r.remote_address = peer;
  for (auto& f : forwarded) r.headers.Add("X-Forwarded-For", std::move(f));
  return r;
}

TEST(RateLimitAnswer, TooManyRequests_CarriesRetryAfterAndTheIetfHeaders) {
  const ratelimit::Policy policy{"login-account", 10, std::chrono::seconds(60)};
  ratelimit::Decision refused;
  refused.allowed = false;
  refused.retry_after = 5200ms;
  const auto r = TooManyRequests(policy, refused, "req-1");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/problem+json");
  EXPECT_EQ(r.headers.Get("Retry-After"), "6");
  EXPECT_EQ(r.headers.Get("RateLimit-Policy"), "\"login-account\";q=10;w=60");
  EXPECT_EQ(r.headers.Get("RateLimit"), "\"login-account\";r=0;t=6");
  EXPECT_NE(r.body.find("\"code\":\"rate_limited\""), std::string::npos) << r.body;
}

TEST(ClientAddress, ThePeer_UnlessATrustedProxyForwardedIt) {
  const http::AddressList proxies({"10.0.0.5"});
  EXPECT_EQ(ClientAddress(From("203.0.113.9", {"1.2.3.4"}), proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress(From("10.0.0.5", {"198.51.100.7"}), proxies), "198.51.100.7");
  // What a client wrote itself is left of what the proxy appended: never believed.
  EXPECT_EQ(ClientAddress(From("10.0.0.5", {"6.6.6.6, 198.51.100.7"}), proxies), "198.51.100.7");
  EXPECT_EQ(ClientAddress(From("10.0.0.5", {"6.6.6.6", "198.51.100.7"}), proxies), "198.51.100.7");
  EXPECT_EQ(ClientAddress(From("10.0.0.5"), proxies), "10.0.0.5");
}

CallPtr NewCall(http::Request request, std::promise<http::Response>& answer) {
  return std::make_shared<RouteCall>(
      std::move(request), [&answer](http::Response r) { answer.set_value(std::move(r)); }, "rid",
      "");
}

TEST(RateLimits, Admit_RunsTheRouteUntilAKeyIsOverItsQuota_ThenAnswers429) {
  ratelimit::Limiter limiter(nullptr);
  RateLimitOptions options;
  options.policies.login_ip = ratelimit::Policy{"login-ip", 2, std::chrono::seconds(60)};
  RateLimits limits(limiter, options);
  for (int i = 0; i < 3; ++i) {
    std::promise<http::Response> answer;
    auto call = NewCall(From("203.0.113.9"), answer);
    limits.Admit(call, {limits.PerIp(limits.policies().login_ip, call->request())},
                 [call] { call->ReplyEmpty(204); });
    const auto r = answer.get_future().get();
    EXPECT_EQ(r.status, i < 2 ? 204 : 429) << i;
    if (i == 2) EXPECT_EQ(r.headers.Get("RateLimit-Policy"), "\"login-ip\";q=2;w=60");
  }
  std::promise<http::Response> other;  // another address has its own quota
  auto call = NewCall(From("198.51.100.7"), other);
  limits.Admit(call, {limits.PerIp(limits.policies().login_ip, call->request())},
               [call] { call->ReplyEmpty(204); });
  EXPECT_EQ(other.get_future().get().status, 204);
}

TEST(RateLimits, ExemptAddress_HasNoPerIpLimit) {
  ratelimit::Limiter limiter(nullptr);
  RateLimitOptions options;
  options.policies.login_ip = ratelimit::Policy{"login-ip", 1, std::chrono::seconds(60)};
  options.exempt = http::AddressList({"127.0.0.1"});
  RateLimits limits(limiter, options);
  EXPECT_TRUE(limits.PerIp(limits.policies().login_ip, From("127.0.0.1")).key.empty());
  EXPECT_EQ(limits.PerIp(limits.policies().login_ip, From("127.0.0.2")).key, "127.0.0.2");
}

TEST(RateLimits, InFlight_APlaceIsHeldUntilReleased) {
  ratelimit::Limiter limiter(nullptr);
  RateLimitOptions options;
  options.workers = 1;  // the release and the next check run in turn
  RateLimits limits(limiter, options);
  std::promise<std::function<void()>> held;
  std::promise<http::Response> first_answer;
  auto first = NewCall(From("203.0.113.9"), first_answer);
  limits.AdmitInFlight(first, {}, "orders-in-flight", "buyer", 1, 30s,
                       [&held](std::function<void()> release) { held.set_value(release); });
  auto release = held.get_future().get();

  std::promise<http::Response> second_answer;
  auto second = NewCall(From("203.0.113.9"), second_answer);
  limits.AdmitInFlight(second, {}, "orders-in-flight", "buyer", 1, 30s,
                       [second](std::function<void()>) { second->ReplyEmpty(204); });
  const auto refused = second_answer.get_future().get();
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find("too_many_in_flight"), std::string::npos);

  release();
  // Released on the one worker: the next check queues behind it, so it finds the place free.
  std::promise<http::Response> third_answer;
  auto third = NewCall(From("203.0.113.9"), third_answer);
  limits.AdmitInFlight(third, {}, "orders-in-flight", "buyer", 1, 30s,
                       [third](std::function<void()>) { third->ReplyEmpty(204); });
  EXPECT_EQ(third_answer.get_future().get().status, 204);
}

}  // namespace
}  // namespace livedrop::gateway
