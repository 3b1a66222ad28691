#pragma once

#include <string>
#include <vector>

#include "livedrop/http/message.h"

namespace livedrop::http {

// A routing table: method + path pattern ("/v1/drops/{id}") → handler. Segments match one
// by one and empty segments are ignored ("/a//b/" is "/a/b"). Where several patterns match,
// the one with a literal at the first position where they differ wins
// ("/v1/me/following" beats "/v1/me/{x}"). Path parameters are percent-decoded.
// Unknown path → 404 problem (not_found); known path with another method → 405 problem
// (method_not_allowed) with an Allow header. Add every route before serving: Handle is
// const and may run on many threads.
class Router {
 public:
  // Throws livedrop::Error (kInvalidArgument, route_invalid) for a malformed pattern or a
  // duplicate method + pattern.
  void Add(std::string method, std::string pattern, Handler handler);
  void Handle(Request&& request, Responder responder) const;

  // What Handle does in two steps, for a server that answers unmatched requests its own way
  // (the gateway logs, counts and tags them like any other). `handler` is the route's, with the
  // request's path parameters filled in; without one, `allow` lists the methods the path has
  // (none: no such path) and Unmatched is the 404 or 405 problem Handle would send.
  struct Match {
    const Handler* handler = nullptr;
    std::string allow;
  };
  Match Resolve(Request& request) const;
  static Response Unmatched(const Request& request, const Match& match,
                            const std::string& request_id = "");

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool param = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace livedrop::http
