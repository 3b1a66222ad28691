#pragma once

#include <string>
#include <vector>

#include "livedrop/http/message.h"

namespace livedrop::http {

// A routing table: method + path pattern ("/v1/drops/{id}") → handler. Segments match one
// by one; a literal segment beats a parameter. Unknown path → 404 problem; known path with
// another method → 405 problem with an Allow header.
class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);
  void Handle(Request&& request, Responder responder) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{id}" for a parameter
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace livedrop::http
