#include "server/rate_limits.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/http/problem.h"
#include "livedrop/metrics/registry.h"
#include "server/client_address.h"

namespace livedrop::gateway {
namespace {

// Whole seconds, rounded up: a client told 0 would come back at once.
long long CeilSeconds(std::chrono::milliseconds ms) {
  return std::max<long long>(1, (ms.count() + 999) / 1000);
}

void CountRefusal(const std::string& policy) {
  metrics::Registry::Default()
      .GetCounter("livedrop_ratelimit_refused_total", "Requests refused 429 by a gateway limit",
                  {{"policy", policy}})
      .Inc();
}

}  // namespace

std::string SecretKey(std::string_view text) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string AccountKey(std::string_view email) {
  std::string lower(email);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return SecretKey(lower);
}

http::Response TooManyRequests(const ratelimit::Policy& policy, const ratelimit::Decision& decision,
                               const std::string& request_id) {
  const long long retry = CeilSeconds(decision.retry_after);
  auto response = http::Problem(
      429, "rate_limited", "Too Many Requests",
      "too many requests (" + policy.name + "); retry in " + std::to_string(retry) + " s",
      request_id, {{"policy", policy.name}});
  response.headers.Set("Retry-After", std::to_string(retry));
  response.headers.Set("RateLimit-Policy", "\"" + policy.name +
                                               "\";q=" + std::to_string(policy.quota) +
                                               ";w=" + std::to_string(policy.window.count()));
  response.headers.Set("RateLimit", "\"" + policy.name +
                                        "\";r=" + std::to_string(decision.remaining) +
                                        ";t=" + std::to_string(retry));
  return response;
}

// A fixed set of threads draining a bounded queue of jobs.
struct RateLimits::Workers {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> jobs;
  std::size_t bound;
  bool stopping = false;
  std::vector<std::thread> threads;

  Workers(int n, std::size_t queue) : bound(queue) {
    for (int i = 0; i < std::max(1, n); ++i) {
      threads.emplace_back([this] { Run(); });
    }
  }
  ~Workers() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
      jobs.clear();
    }
    wake.notify_all();
    for (auto& t : threads) t.join();
  }
  bool Post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex);
      if (stopping || jobs.size() >= bound) return false;
      jobs.push_back(std::move(job));
    }
    wake.notify_one();
    return true;
  }
  void Run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping || !jobs.empty(); });
        if (stopping) return;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      try {
        job();
      } catch (const std::exception& e) {
        spdlog::error("rate-limit job failed: {}", e.what());
      }
    }
  }
};

RateLimits::RateLimits(ratelimit::Limiter& limiter, RateLimitOptions options)
    : limiter_(limiter),
      options_(std::move(options)),
      workers_(std::make_unique<Workers>(options_.workers, options_.queue)) {}

RateLimits::~RateLimits() = default;

std::string RateLimits::ClientIp(const http::Request& request) const {
  return ClientAddress(request, options_.trusted_proxies);
}

std::string RateLimits::IpKey(const http::Request& request) const {
  std::string ip = ClientIp(request);
  if (options_.exempt.Contains(ip)) ip.clear();
  return ip;
}

LimitCheck RateLimits::PerIp(const ratelimit::Policy& policy, const http::Request& request) const {
  return LimitCheck{&policy, IpKey(request)};
}

bool RateLimits::Post(std::function<void()> job) { return workers_->Post(std::move(job)); }

std::function<void()> RateLimits::ReleaseLater(std::shared_ptr<ratelimit::Lease> lease) {
  return [this, lease] {
    if (!lease) return;
    // Releasing talks to Redis: off the caller's thread. A full queue leaves it to the ttl.
    Post([this, lease] { limiter_.Release(*lease); });
  };
}

namespace {

http::Response Overloaded(const std::string& request_id) {
  return http::Problem(503, "overloaded", "Service Unavailable",
                       "too many requests waiting for their limits; retry shortly", request_id);
}

http::Response InFlightRefusal(const std::string& name, int cap, const std::string& request_id) {
  CountRefusal(name);
  auto response = http::Problem(429, "too_many_in_flight", "Too Many Requests",
                                "at most " + std::to_string(cap) + " at once (" + name + ")",
                                request_id, {{"policy", name}});
  response.headers.Set("Retry-After", "1");
  return response;
}

}  // namespace

std::optional<http::Response> RateLimits::Refusal(const ratelimit::Admission& admission,
                                                  const std::vector<LimitCheck>& checks,
                                                  const std::string& cap_name, int cap,
                                                  const std::string& request_id) const {
  if (admission.admitted) return std::nullopt;
  if (admission.refused_by) {
    const auto& policy = *checks[*admission.refused_by].policy;
    CountRefusal(policy.name);
    return TooManyRequests(policy, admission.decision, request_id);
  }
  return InFlightRefusal(cap_name, cap, request_id);
}

void RateLimits::Admit(const CallPtr& call, std::vector<LimitCheck> checks,
                       std::function<void()> then) {
  const bool posted = Post([this, call, checks = std::move(checks), then = std::move(then)] {
    if (auto refusal = Refusal(limiter_.Admit(checks), checks, "", 0, call->request_id())) {
      return call->Reply(std::move(*refusal));
    }
    try {
      then();
    } catch (const Error& e) {
      call->Fail(e);
    } catch (const std::exception& e) {
      spdlog::error("{} failed: {}", call->request().path, e.what());
      call->Fail(Error(ErrorKind::kInternal, "internal", "internal error"));
    }
  });
  if (!posted) call->Reply(Overloaded(call->request_id()));
}

void RateLimits::AdmitInFlight(const CallPtr& call, std::vector<LimitCheck> checks,
                               std::string name, std::string key, int cap,
                               std::chrono::milliseconds ttl,
                               std::function<void(std::function<void()> release)> then) {
  Check(std::move(checks), std::move(name), std::move(key), cap, ttl, call->request_id(),
        [call, then = std::move(then)](std::optional<http::Response> refusal,
                                       std::function<void()> release) {
          if (refusal) return call->Reply(std::move(*refusal));
          try {
            then(release);
          } catch (const Error& e) {
            release();
            call->Fail(e);
          } catch (const std::exception& e) {
            release();
            spdlog::error("{} failed: {}", call->request().path, e.what());
            call->Fail(Error(ErrorKind::kInternal, "internal", "internal error"));
          }
        });
}

void RateLimits::CheckWebSocket(
    const std::string& user, TimePoint token_expires_at, std::string request_id,
    std::function<void(std::optional<http::Response>, std::function<void()>)> done) {
  const auto lifetime = std::chrono::duration_cast<std::chrono::milliseconds>(
      token_expires_at - Now() + std::chrono::seconds(5));
  Check({{&options_.policies.ws_user, user}}, "ws-open", user, options_.policies.ws_open, lifetime,
        std::move(request_id), std::move(done));
}

void RateLimits::Check(
    std::vector<LimitCheck> checks, std::string name, std::string key, int cap,
    std::chrono::milliseconds ttl, std::string request_id,
    std::function<void(std::optional<http::Response>, std::function<void()>)> done) {
  auto job = [this, checks = std::move(checks), name = std::move(name), key = std::move(key), cap,
              ttl, request_id, done] {
    // The limits and the cap in one round trip to Redis.
    auto admission = limiter_.Admit(checks, ratelimit::InFlight{name, key, cap, ttl});
    if (auto refusal = Refusal(admission, checks, name, cap, request_id)) {
      return done(std::move(refusal), [] {});
    }
    done(std::nullopt, ReleaseLater(std::shared_ptr<ratelimit::Lease>(std::move(admission.lease))));
  };
  if (!Post(std::move(job))) done(Overloaded(request_id), [] {});
}

void AdmitOrRun(RateLimits* limits, const CallPtr& call, std::vector<LimitCheck> checks,
                std::function<void()> then) {
  if (limits == nullptr) return then();
  limits->Admit(call, std::move(checks), std::move(then));
}

}  // namespace livedrop::gateway
