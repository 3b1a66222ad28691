#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/grpc/access.h"
#include "livedrop/grpc/channel_policy.h"
#include "livedrop/grpc/tls.h"

namespace grpc {
class Service;
}

namespace livedrop::rpc {

struct ServerOptions {
  std::string service_name;        // e.g. "livedrop-auth": logs and ErrorInfo.domain
  std::string listen;              // "127.0.0.1:7001"; port 0 picks a free port
  int max_threads = 32;            // bounds the handler pool: blocking work never exceeds it
  std::chrono::milliseconds drain{10000};
  KeepalivePolicy keepalive;       // the same policy the clients use (channel_policy.h)
  // Mutual TLS (tls.h): only peers with a certificate from identity's CA get in, and each call
  // is checked against `access` first. Unset: plaintext, and no caller is known.
  std::optional<TlsIdentity> tls;
  AccessPolicy access;  // empty: every peer of the CA may call every method
  bool reflection = false;  // gRPC server reflection (grpcurl list/describe), only if asked
  // A connection older than this is told to go away (GOAWAY; gRPC adds up to 10 % jitter) and
  // its calls get `max_connection_age_grace` to finish: callers then connect again, resolving
  // the name again, so instances added behind it (a scale-up) get calls from existing callers
  // too. 0: connections live for ever.
  std::chrono::milliseconds max_connection_age{std::chrono::minutes(5)};
  std::chrono::milliseconds max_connection_age_grace{std::chrono::seconds(30)};
};

// Runs a gRPC server with grpc.health.v1 (and server reflection if asked). Handlers run on gRPC's sync
// thread pool bounded by max_threads (so handlers may block on PostgreSQL without starving
// an event loop). Shutdown() flips health to NOT_SERVING, stops accepting and lets in-flight
// calls finish for up to `drain`.
class ServerRunner {
 public:
  explicit ServerRunner(ServerOptions options);
  ~ServerRunner();
  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  void AddService(::grpc::Service* service);  // not owned; must outlive the runner
  void Start();                               // throws livedrop::Error if it cannot bind
  int port() const;
  void SetServing(bool serving);
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::rpc
