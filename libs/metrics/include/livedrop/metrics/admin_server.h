#pragma once

#include <functional>
#include <memory>
#include <string>

namespace livedrop::metrics {

// A service's operations port: GET /metrics (Prometheus), /healthz (200 while the process
// runs) and /readyz (200 when ready() says so, else 503).
class AdminServer {
 public:
  AdminServer(const std::string& listen /* host:port */, std::function<bool()> ready);
  ~AdminServer();
  void Start();
  int port() const;
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::metrics
