#pragma once

#include <memory>

#include "livedrop/auth/jwt.h"
#include "livedrop/http/message.h"
#include "server/route_table.h"

namespace livedrop::gateway {

class KeyRefresher;

// Turns the route table into the HTTP handler the server runs: assigns the request id,
// carries the traceparent, authenticates where a route asks for it, turns every failure into
// problem+json and records metrics and an access log line.
class Gateway {
 public:
  Gateway(const RouteTable& table, const auth::JwtVerifier& verifier, KeyRefresher* keys);
  ~Gateway();

  void Handle(http::Request&& request, http::Responder responder);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::gateway
