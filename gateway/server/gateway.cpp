#include "server/gateway.h"

#include <spdlog/spdlog.h>

#include <array>
#include <memory>
#include <chrono>

#include "livedrop/http/router.h"
#include "livedrop/log/access_log.h"
#include "livedrop/log/log.h"
#include "livedrop/log/redact.h"
#include "livedrop/log/traceparent.h"
#include "livedrop/metrics/registry.h"
#include "server/authenticate.h"
#include "server/key_refresher.h"
#include "server/rate_limits.h"

namespace livedrop::gateway {
namespace {

bool ValidRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

// livedrop_http_responses_total of one route by status class (errors per route), looked up
// once per route: a lookup takes the registry's lock, which every request would share.
class ResponseCounters {
 public:
  explicit ResponseCounters(const Route& route) {
    for (std::size_t i = 0; i < by_class_.size(); ++i) {
      by_class_[i] = &metrics::Registry::Default().GetCounter(
          "livedrop_http_responses_total", "Gateway responses by route and status class",
          {{"route", route.pattern},
           {"method", route.method},
           {"class", std::to_string(i + 1) + "xx"}});
    }
  }
  void Count(int status) {
    const int index = status / 100 - 1;
    if (index >= 0 && index < static_cast<int>(by_class_.size())) by_class_[index]->Inc();
  }

 private:
  std::array<metrics::Counter*, 5> by_class_{};
};

}  // namespace

struct Gateway::Impl {
  const auth::JwtVerifier& verifier;
  KeyRefresher* keys;
  log::AccessLog* access_log;
  RateLimits* limits;
  http::Router router;
  http::Handler unmatched;  // 404 and 405, through the same pipeline as the routes

  Impl(const auth::JwtVerifier& v, KeyRefresher* k, log::AccessLog* a, RateLimits* l)
      : verifier(v), keys(k), access_log(a), limits(l) {}

  // The reads-ip limit applies to this route: a read of the API (not /healthz and the like,
  // which load balancers probe), and the limit configured.
  bool LimitsReads(const Route& route) const {
    return limits != nullptr && limits->policies().reads_ip.enabled() &&
           (route.method == "GET" || route.method == "HEAD") &&
           (route.pattern.rfind("/v1/", 0) == 0 || route.pattern == "/graphql");
  }

  // The target without credentials: a token in the query (WebSocket clients send
  // ?access_token=) must not end up in the log.
  void LogAccess(const std::string& method, const std::string& raw_target, int status,
                 double seconds) {
    std::string redacted;
    if (raw_target.find('?') != std::string::npos) redacted = log::RedactTarget(raw_target);
    const std::string& target = redacted.empty() ? raw_target : redacted;
    if (access_log == nullptr) {
      spdlog::info("{} {} {} {:.1f}ms", method, target, status, seconds * 1000);
      return;
    }
    thread_local fmt::memory_buffer line;
    line.clear();
    fmt::format_to(std::back_inserter(line), "{} {} {} {:.1f}ms", method, target, status,
                   seconds * 1000);
    access_log->Write(std::string_view(line.data(), line.size()));
  }

  void Authenticate(RouteCall& call) {
    call.set_caller(VerifyAccessToken(BearerToken(call.request()), verifier, keys));
  }

  http::Handler Wrap(const Route& route) {
    auto& requests = metrics::Registry::Default();
    auto* latency = &requests.GetHistogram(
        "livedrop_http_request_duration_seconds", "Gateway request latency by route",
        metrics::DefaultLatencyBuckets(), {{"route", route.pattern}, {"method", route.method}});
    auto responses = std::make_shared<ResponseCounters>(route);
    return [this, route, latency, responses](http::Request&& request, http::Responder responder) {
      const auto started = std::chrono::steady_clock::now();
      auto incoming_id = request.headers.Get("X-Request-Id");
      std::string request_id =
          incoming_id && ValidRequestId(*incoming_id) ? *incoming_id : log::NewRequestId();
      const auto parent = log::ParseTraceParent(request.headers.Get("traceparent").value_or(""));
      const auto trace = parent ? *parent : log::NewTraceParent();
      log::ScopedContext log_scope(log::Context{request_id, trace.trace_id});

      const std::string method = request.method;
      const std::string target = request.target;
      auto logged = [this, latency, responses, started, method, target, request_id,
                     trace_id = trace.trace_id,
                     responder = std::move(responder)](http::Response response) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        latency->Observe(seconds);
        responses->Count(response.status);
        log::ScopedContext scope(log::Context{request_id, trace_id});
        LogAccess(method, target, response.status, seconds);
        responder(std::move(response));
      };
      auto call = std::make_shared<RouteCall>(std::move(request), std::move(logged), request_id,
                                              log::FormatTraceParent(trace));
      if (!LimitsReads(route)) return Run(route, call);
      limits->Admit(call, {limits->PerIp(limits->policies().reads_ip, call->request())},
                    [this, route, call] { Run(route, call); });
    };
  }

  void Run(const Route& route, const CallPtr& call) {
    try {
      if (route.access == Access::kAuthenticated ||
          (route.access == Access::kOptional && !BearerToken(call->request()).empty())) {
        Authenticate(*call);
      }
      route.handler(call);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) spdlog::error("{}: {}", route.pattern, e.what());
      call->Fail(e);
    } catch (const std::exception& e) {
      spdlog::error("{} failed: {}", route.pattern, e.what());
      call->Fail(Error(ErrorKind::kInternal, "internal", "internal error"));
    }
  }
};

Gateway::Gateway(const RouteTable& table, const auth::JwtVerifier& verifier, KeyRefresher* keys,
                 log::AccessLog* access_log, RateLimits* limits)
    : impl_(std::make_unique<Impl>(verifier, keys, access_log, limits)) {
  for (const auto& route : table.routes()) {
    impl_->router.Add(route.method, route.pattern, impl_->Wrap(route));
  }
  const http::Router& router = impl_->router;
  impl_->unmatched = impl_->Wrap(Route{
      "*", "unmatched", Access::kPublic, [&router](const CallPtr& call) {
        http::Request request = call->request();
        call->Reply(http::Router::Unmatched(request, router.Resolve(request), call->request_id()));
      }});
}

Gateway::~Gateway() = default;

void Gateway::Handle(http::Request&& request, http::Responder responder) {
  const auto match = impl_->router.Resolve(request);
  const http::Handler& handler = match.handler ? *match.handler : impl_->unmatched;
  handler(std::move(request), std::move(responder));
}

}  // namespace livedrop::gateway
