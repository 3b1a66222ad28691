#include "livedrop/metrics/admin_server.h"

#include <spdlog/spdlog.h>

#include "livedrop/core/error.h"
#include "livedrop/http/problem.h"
#include "livedrop/http/router.h"
#include "livedrop/http/server.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::metrics {
namespace {

constexpr auto kDrain = std::chrono::milliseconds(500);

std::pair<std::string, int> SplitHostPort(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const auto bad = [&] {
    return Error(ErrorKind::kInvalidArgument, "config_invalid",
                 "'" + listen + "' is not host:port");
  };
  if (colon == std::string::npos || colon == 0) throw bad();
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:9090
  }
  int port = 0;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) throw bad();
  } catch (const std::logic_error&) {
    throw bad();
  }
  if (port < 0 || port > 65535) throw bad();
  return {host, port};
}

}  // namespace

struct AdminServer::Impl {
  http::Router router;
  std::unique_ptr<http::Server> server;
};

AdminServer::AdminServer(const std::string& listen, std::function<bool()> ready)
    : AdminServer(SplitHostPort(listen).first, SplitHostPort(listen).second, std::move(ready)) {}

AdminServer::AdminServer(const std::string& host, int port, std::function<bool()> ready)
    : impl_(std::make_unique<Impl>()) {
  http::ServerOptions options;
  options.host = host;
  options.port = port;
  options.threads = 1;
  options.body_limit = 4096;
  options.read_timeout = std::chrono::seconds(5);
  options.handler_timeout = std::chrono::seconds(10);
  RegisterProcessMetrics();
  impl_->router.Add("GET", "/metrics", [](http::Request&&, http::Responder done) {
    auto response = http::Response::Text(200, Registry::Default().Render());
    response.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    done(std::move(response));
  });
  impl_->router.Add("GET", "/healthz", [](http::Request&&, http::Responder done) {
    done(http::Response::Text(200, "ok\n"));
  });
  impl_->router.Add(
      "GET", "/readyz", [ready = std::move(ready)](http::Request&&, http::Responder done) {
        bool is_ready = false;
        try {
          is_ready = ready();
        } catch (const std::exception& e) {
          spdlog::warn("readiness check threw: {}", e.what());
        }
        if (is_ready) return done(http::Response::Text(200, "ready\n"));
        done(http::Problem(503, "not_ready", "Service Unavailable", "dependencies are not ready"));
      });
  impl_->server = std::make_unique<http::Server>(
      options, [impl = impl_.get()](http::Request&& r, http::Responder done) {
        impl->router.Handle(std::move(r), std::move(done));
      });
}

AdminServer::~AdminServer() { Stop(); }

void AdminServer::Start() {
  impl_->server->Start();
  spdlog::info("metrics and health on port {}", impl_->server->port());
}

int AdminServer::port() const { return impl_->server->port(); }

void AdminServer::Stop() { impl_->server->Stop(kDrain); }

}  // namespace livedrop::metrics
