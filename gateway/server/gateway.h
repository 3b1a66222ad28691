#pragma once

#include <memory>

#include "livedrop/auth/jwt.h"
#include "livedrop/http/message.h"
#include "server/route_table.h"

namespace livedrop::log {
class AccessLog;
}

namespace livedrop::gateway {

class RateLimits;

class KeyRefresher;

// Turns the route table into the HTTP handler the server runs: assigns the request id,
// carries the traceparent, authenticates where a route asks for it, turns every failure into
// problem+json and records metrics and an access log line. The line goes to `access_log` (off
// the I/O threads, see log::AccessLog); without one, to the default logger (synchronously: for
// tests). The log must outlive the server that calls Handle.
class Gateway {
 public:
  // With `limits` whose reads-ip policy is on, every GET and HEAD of /v1 and /graphql is limited
  // per client IP (before authentication and the route's work); otherwise reads are not limited.
  Gateway(const RouteTable& table, const auth::JwtVerifier& verifier, KeyRefresher* keys,
          log::AccessLog* access_log = nullptr, RateLimits* limits = nullptr);
  ~Gateway();

  void Handle(http::Request&& request, http::Responder responder);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::gateway
