#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "livedrop/core/time.h"
#include "livedrop/http/address_list.h"
#include "livedrop/http/message.h"
#include "livedrop/ratelimit/limiter.h"
#include "server/route_call.h"

namespace livedrop::gateway {

// The gateway's limits (GatewayOptions: one flag each, documented in docs/ARCHITECTURE.md).
// A quota of 0 turns that limit off.
struct RateLimitPolicies {
  ratelimit::Policy login_ip{"login-ip", 100};
  ratelimit::Policy login_account{"login-account", 10};
  ratelimit::Policy register_ip{"register-ip", 20};
  ratelimit::Policy register_account{"register-account", 5};
  ratelimit::Policy refresh_ip{"refresh-ip", 300};
  ratelimit::Policy refresh_token{"refresh-token", 10};
  ratelimit::Policy orders_buyer{"orders-buyer", 30};
  ratelimit::Policy follows_user{"follows-user", 60};
  ratelimit::Policy ws_user{"ws-user", 30};   // connections opened
  ratelimit::Policy reads_ip{"reads-ip", 0};  // GET and HEAD; off unless configured
  int orders_in_flight = 2;                   // POST /v1/orders per buyer at once
  int ws_open = 5;                            // WebSockets per user at once
};

struct RateLimitOptions {
  RateLimitPolicies policies;
  http::AddressList trusted_proxies;        // X-Forwarded-For is believed only from these
  http::AddressList exempt;                 // client addresses no per-IP limit applies to
  http::AddressList connection_cap_exempt;  // both: for http::ServerOptions
  // How long a place in flight is held at most (a gateway that dies gives its places back
  // then): longer than the longest call it covers.
  std::chrono::milliseconds in_flight_ttl = std::chrono::seconds(30);
  int workers = 2;           // threads that talk to Redis (never the I/O threads)
  std::size_t queue = 4096;  // checks waiting for them; more: 503
};

// One limit to pass: a policy and the key it counts (an IP, an account, a user id).
using LimitCheck = ratelimit::Limit;

// The key of an account or a secret (an email, a refresh token) in Redis: a BLAKE2b digest
// (hex), so that neither is kept there; emails are compared lower-cased.
std::string SecretKey(std::string_view text);
std::string AccountKey(std::string_view email);

// 429 problem+json for a refused `policy`: Retry-After, RateLimit-Policy and RateLimit in the
// structured-field form of draft-ietf-httpapi-ratelimit-headers:
//   RateLimit-Policy: "login-account";q=10;w=60
//   RateLimit: "login-account";r=0;t=6
http::Response TooManyRequests(const ratelimit::Policy& policy, const ratelimit::Decision& decision,
                               const std::string& request_id);

// The limits applied to requests: Limiter (Redis, memory while it is down) run by a few worker
// threads of its own, so an I/O thread never waits on Redis. A route asks Admit() and goes on
// in `then` (on a worker thread: it must not block, it starts a downstream call), or the
// request is answered 429 (503 when the workers' queue is full).
class RateLimits {
 public:
  RateLimits(ratelimit::Limiter& limiter, RateLimitOptions options);
  ~RateLimits();  // stops the workers (pending checks are dropped)
  RateLimits(const RateLimits&) = delete;
  RateLimits& operator=(const RateLimits&) = delete;

  const RateLimitPolicies& policies() const { return options_.policies; }
  std::chrono::milliseconds in_flight_ttl() const { return options_.in_flight_ttl; }
  std::string ClientIp(const http::Request& request) const;
  // The client IP per-IP limits count for this request: empty (not counted) for an exempt one.
  std::string IpKey(const http::Request& request) const;
  // The per-IP check of `policy` for this request; none (an empty key, skipped) for an exempt
  // address.
  LimitCheck PerIp(const ratelimit::Policy& policy, const http::Request& request) const;

  // Every check in turn (the first refusal answers); a check with an empty key is skipped.
  void Admit(const CallPtr& call, std::vector<LimitCheck> checks, std::function<void()> then);
  // As Admit, then a place among `cap` in flight for `key` held for at most `ttl`; `then` gets
  // the function that gives it back (call it once, from any thread, when the work is done).
  void AdmitInFlight(const CallPtr& call, std::vector<LimitCheck> checks, std::string name,
                     std::string key, int cap, std::chrono::milliseconds ttl,
                     std::function<void(std::function<void()> release)> then);
  // The same for callers without a RouteCall (a WebSocket upgrade): `done` gets the refusal to
  // answer (nullopt: admitted, and `release` gives the place back).
  void Check(
      std::vector<LimitCheck> checks, std::string name, std::string key, int cap,
      std::chrono::milliseconds ttl, std::string request_id,
      std::function<void(std::optional<http::Response> refusal, std::function<void()> release)>
          done);
  // One of `user`'s WebSocket places (ws-user per window, ws-open at once), whatever the kind
  // (/v1/ws, GraphQL's): as Check, the place held until `release` or a little past the token's
  // expiry (the socket cannot outlive it; a gateway that dies gives it back then).
  void CheckWebSocket(
      const std::string& user, TimePoint token_expires_at, std::string request_id,
      std::function<void(std::optional<http::Response> refusal, std::function<void()> release)>
          done);

 private:
  struct Workers;
  // The 429 of an admission that was refused, by a limit or by a full cap.
  std::optional<http::Response> Refusal(const ratelimit::Admission& admission,
                                        const std::vector<LimitCheck>& checks,
                                        const std::string& cap_name, int cap,
                                        const std::string& request_id) const;
  std::function<void()> ReleaseLater(std::shared_ptr<ratelimit::Lease> lease);
  bool Post(std::function<void()> job);

  ratelimit::Limiter& limiter_;
  RateLimitOptions options_;
  std::unique_ptr<Workers> workers_;
};

// `limits->Admit(...)`, or `then()` at once without limits (tests of routes that do not test
// limits).
void AdmitOrRun(RateLimits* limits, const CallPtr& call, std::vector<LimitCheck> checks,
                std::function<void()> then);

}  // namespace livedrop::gateway
