#include "livedrop/http/router.h"

#include <boost/url/pct_string_view.hpp>
#include <set>
#include <string_view>

#include "livedrop/core/error.h"
#include "livedrop/http/problem.h"

namespace livedrop::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (!segment.empty()) out.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string Decode(std::string_view segment) {
  const auto pct = boost::urls::make_pct_string_view(segment);
  return pct ? pct->decode() : std::string(segment);  // invalid escapes stay as written
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  Route route{std::move(method), std::move(pattern), {}, std::move(handler)};
  for (const auto part : Split(route.pattern)) {
    const bool braced = part.front() == '{' || part.back() == '}';
    if (braced && (part.size() < 3 || part.front() != '{' || part.back() != '}')) {
      throw Error(ErrorKind::kInvalidArgument, "route_invalid",
                  "bad parameter segment in route " + route.pattern);
    }
    route.segments.push_back(braced ? Segment{std::string(part.substr(1, part.size() - 2)), true}
                                    : Segment{std::string(part), false});
  }
  for (const auto& other : routes_) {
    if (other.method != route.method || other.segments.size() != route.segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; same && i < route.segments.size(); ++i) {
      const auto& a = route.segments[i];
      const auto& b = other.segments[i];
      same = a.param == b.param && (a.param || a.text == b.text);
    }
    if (same) {
      throw Error(ErrorKind::kInvalidArgument, "route_invalid",
                  "route " + route.method + " " + route.pattern + " clashes with " + other.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Resolve(Request& request) const {
  const auto path = Split(request.path);
  const Route* best = nullptr;
  std::set<std::string> allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != path.size()) continue;
    bool match = true;
    for (std::size_t i = 0; match && i < path.size(); ++i) {
      match = route.segments[i].param || route.segments[i].text == path[i];
    }
    if (!match) continue;
    allowed.insert(route.method);
    if (route.method != request.method) continue;
    // Both match: the first position where one has a literal and the other a parameter
    // decides.
    if (best != nullptr) {
      for (std::size_t i = 0; i < path.size(); ++i) {
        if (route.segments[i].param == best->segments[i].param) continue;
        if (!route.segments[i].param) best = &route;
        break;
      }
    } else {
      best = &route;
    }
  }
  Match match;
  if (best == nullptr) {
    for (const auto& method : allowed) match.allow += (match.allow.empty() ? "" : ", ") + method;
    return match;
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (best->segments[i].param) request.path_params[best->segments[i].text] = Decode(path[i]);
  }
  match.handler = &best->handler;
  return match;
}

Response Router::Unmatched(const Request& request, const Match& match,
                           const std::string& request_id) {
  if (match.allow.empty()) {
    return Problem(404, "not_found", "Not Found", "no route for " + request.path, request_id);
  }
  auto response = Problem(405, "method_not_allowed", "Method Not Allowed",
                          request.method + " is not allowed on " + request.path, request_id);
  response.headers.Set("Allow", match.allow);
  return response;
}

void Router::Handle(Request&& request, Responder responder) const {
  const Match match = Resolve(request);
  if (match.handler == nullptr) return responder(Unmatched(request, match));
  (*match.handler)(std::move(request), std::move(responder));
}

}  // namespace livedrop::http
