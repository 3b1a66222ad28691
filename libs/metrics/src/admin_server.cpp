#include "livedrop/metrics/admin_server.h"

#include <spdlog/spdlog.h>

#include "livedrop/core/error.h"
#include "livedrop/http/problem.h"
#include "livedrop/http/router.h"
#include "livedrop/http/server.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::metrics {

struct AdminServer::Impl {
  http::Router router;
  std::unique_ptr<http::Server> server;
};

AdminServer::AdminServer(const std::string& listen, std::function<bool()> ready)
    : impl_(std::make_unique<Impl>()) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid", "'" + listen + "' is not host:port");
  }
  http::ServerOptions options;
  options.host = listen.substr(0, colon);
  options.port = std::stoi(listen.substr(colon + 1));
  options.threads = 1;
  options.body_limit = 4096;
  RegisterProcessMetrics();
  impl_->router.Add("GET", "/metrics", [](http::Request&&, http::Responder done) {
    auto response = http::Response::Text(200, Registry::Default().Render());
    response.headers.Set("Content-Type", "text/plain; version=0.0.4");
    done(std::move(response));
  });
  impl_->router.Add("GET", "/healthz", [](http::Request&&, http::Responder done) {
    done(http::Response::Text(200, "ok\n"));
  });
  impl_->router.Add("GET", "/readyz", [ready = std::move(ready)](http::Request&&, http::Responder done) {
    if (ready()) return done(http::Response::Text(200, "ready\n"));
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

void AdminServer::Stop() { impl_->server->Stop(std::chrono::milliseconds(500)); }

}  // namespace livedrop::metrics
