#include "server/gateway.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "livedrop/http/router.h"
#include "livedrop/log/log.h"
#include "livedrop/log/traceparent.h"
#include "livedrop/metrics/registry.h"
#include "server/authenticate.h"
#include "server/key_refresher.h"

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

}  // namespace

struct Gateway::Impl {
  const auth::JwtVerifier& verifier;
  KeyRefresher* keys;
  http::Router router;
  http::Handler unmatched;  // 404 and 405, through the same pipeline as the routes
  metrics::Counter* errors_total = nullptr;

  Impl(const auth::JwtVerifier& v, KeyRefresher* k) : verifier(v), keys(k) {}

  void Authenticate(RouteCall& call) {
    call.set_caller(VerifyAccessToken(BearerToken(call.request()), verifier, keys));
  }

  http::Handler Wrap(const Route& route) {
    auto& requests = metrics::Registry::Default();
    auto* latency = &requests.GetHistogram(
        "livedrop_http_request_duration_seconds", "Gateway request latency by route",
        metrics::DefaultLatencyBuckets(), {{"route", route.pattern}, {"method", route.method}});
    return [this, route, latency](http::Request&& request, http::Responder responder) {
      const auto started = std::chrono::steady_clock::now();
      auto incoming_id = request.headers.Get("X-Request-Id");
      std::string request_id =
          incoming_id && ValidRequestId(*incoming_id) ? *incoming_id : log::NewRequestId();
      const auto parent = log::ParseTraceParent(request.headers.Get("traceparent").value_or(""));
      const auto trace = parent ? *parent : log::NewTraceParent();
      log::ScopedContext log_scope(log::Context{request_id, trace.trace_id});

      const std::string method = request.method;
      const std::string target = request.target;
      auto logged = [latency, started, method, target, request_id, trace_id = trace.trace_id,
                     responder = std::move(responder)](http::Response response) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        latency->Observe(seconds);
        metrics::Registry::Default()
            .GetCounter("livedrop_http_responses_total", "Gateway responses by status class",
                        {{"class", std::to_string(response.status / 100) + "xx"}})
            .Inc();
        log::ScopedContext scope(log::Context{request_id, trace_id});
        spdlog::info("{} {} {} {:.1f}ms", method, target, response.status, seconds * 1000);
        responder(std::move(response));
      };
      auto call = std::make_shared<RouteCall>(std::move(request), std::move(logged), request_id,
                                              log::FormatTraceParent(trace));
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
    };
  }
};

Gateway::Gateway(const RouteTable& table, const auth::JwtVerifier& verifier, KeyRefresher* keys)
    : impl_(std::make_unique<Impl>(verifier, keys)) {
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
