#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_connection.h"
#include "run_plan.h"

namespace livedrop::loadgen {

struct Account {
  std::string email;
  std::string user_id;
  std::string access_token;
};

struct DropView {
  std::string id;
  std::string status;
  long long available = -1;
};

// The few public routes a scenario needs, on one keep-alive connection. Failures throw
// std::runtime_error naming the route, the status and the problem code.
class GatewayApi {
 public:
  explicit GatewayApi(const HttpEndpoint& gateway);

  // Registers the account, or logs in when the email is taken (accounts are reused across
  // runs). 429/503 (the bounded password hashing) are retried with a short backoff.
  Account RegisterOrLogin(const std::string& email, const std::string& password,
                          const std::string& display_name, const std::string& role);
  // True when the token is accepted (GET /v1/me answers 200).
  bool TokenWorks(const std::string& access_token);
  std::string CreateProduct(const std::string& creator_token, const std::string& title,
                            long long unit_amount, const std::string& currency);
  std::string CreateDrop(const std::string& creator_token, const std::string& product_id,
                         const std::string& starts_at, const std::string& ends_at,
                         long long quantity, long long per_buyer_limit);
  DropView GetDrop(const std::string& drop_id);
  // PUT / DELETE /v1/me/following/{creator_id}: both idempotent.
  void Follow(const std::string& buyer_token, const std::string& creator_id);
  void Unfollow(const std::string& buyer_token, const std::string& creator_id);

 private:
  HttpAnswer Call(const std::string& method, const std::string& route, const std::string& body,
                  const std::string& bearer);
  HttpEndpoint gateway_;
  HttpConnection http_;
};

// Runs fn(api, i) for i in [0, count) on `parallelism` threads, each with its own GatewayApi
// connection. The first exception stops the remaining calls and is rethrown (as
// std::runtime_error with its message) once every thread has finished.
void ParallelFor(const HttpEndpoint& gateway, int count, int parallelism,
                 const std::function<void(GatewayApi&, int)>& fn);

// Registers (or logs in) `count` accounts named <prefix>-<i>@loadgen.livedrop.test with
// `parallelism` connections at once. Access tokens that are still valid for a while are kept
// in `cache_path` (when not empty) so a second run within their lifetime skips Argon2id
// altogether.
std::vector<Account> EnsureAccounts(const HttpEndpoint& gateway, const std::string& prefix,
                                    const std::string& role, int count, int parallelism,
                                    const std::string& cache_path,
                                    std::chrono::seconds min_validity);

// Seconds since the epoch at which a JWT (an access token) expires; 0 when unreadable.
long long JwtExpiry(const std::string& token);

// The Prometheus text of a metrics endpoint (path "" means /metrics); nullopt when it does not
// answer 200.
std::optional<std::string> FetchMetrics(const HttpEndpoint& endpoint);
// The sum of one metric's samples there; nullopt when unreachable or not exported.
std::optional<double> ScrapeGauge(const HttpEndpoint& endpoint, std::string_view metric);

}  // namespace livedrop::loadgen
