#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/route_call.h"

namespace livedrop::gateway {

// kOptional: public, and the caller is verified (and known to the handler) when a token comes
// with the request; a bad token is refused as on an authenticated route.
enum class Access { kPublic, kAuthenticated, kOptional };

using RouteHandler = std::function<void(const CallPtr&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/v1/drops/{id}"
  Access access;
  RouteHandler handler;
};

// Every public route of the gateway, declared by the routes/ modules. The gateway wraps each
// with the same request id, tracing, authentication, error and metrics handling.
class RouteTable {
 public:
  void Add(std::string method, std::string pattern, Access access, RouteHandler handler) {
    routes_.push_back(Route{std::move(method), std::move(pattern), access, std::move(handler)});
  }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace livedrop::gateway
