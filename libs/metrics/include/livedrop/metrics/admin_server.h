#pragma once

#include <functional>
#include <memory>
#include <string>

namespace livedrop::metrics {

// A service's operations port, on livedrop::http: GET /metrics (Registry::Default() in text
// format 0.0.4), /healthz (200 "ok" while the process runs) and /readyz (200 when ready()
// says so, else 503 problem+json not_ready). Also registers the process metrics.
class AdminServer {
 public:
  // `listen` is "host:port"; port 0 picks a free one (see port()). Throws livedrop::Error
  // (kInvalidArgument, config_invalid) for a malformed address.
  AdminServer(const std::string& listen, std::function<bool()> ready);
  AdminServer(const std::string& host, int port, std::function<bool()> ready);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  void Start();  // throws livedrop::Error listen_failed when the port is taken
  int port() const;
  void Stop();  // idempotent; lets in-flight scrapes finish for up to half a second

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::metrics
