#include "livedrop/http/router.h"

#include <sstream>

#include "livedrop/http/problem.h"

namespace livedrop::http {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::string segment;
  std::stringstream in(path);
  while (std::getline(in, segment, '/')) {
    if (!segment.empty()) out.push_back(segment);
  }
  return out;
}

bool IsParam(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

// -1: no match; otherwise the number of literal segments (more literals = more specific).
int Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return -1;
  int literals = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) continue;
    if (pattern[i] != path[i]) return -1;
    ++literals;
  }
  return literals;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back(Route{std::move(method), Split(pattern), std::move(handler)});
}

void Router::Handle(Request&& request, Responder responder) const {
  const auto path = Split(request.path);
  const Route* best = nullptr;
  int best_score = -1;
  std::string allow;
  for (const auto& route : routes_) {
    const int score = Match(route.segments, path);
    if (score < 0) continue;
    if (route.method == request.method && score > best_score) {
      best = &route;
      best_score = score;
    }
    if (allow.find(route.method) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + route.method;
    }
  }
  if (best == nullptr) {
    if (allow.empty()) {
      return responder(Problem(404, "not_found", "Not Found", "no route for " + request.path));
    }
    auto response = Problem(405, "method_not_allowed", "Method Not Allowed",
                            request.method + " is not allowed on " + request.path);
    response.headers.Set("Allow", allow);
    return responder(std::move(response));
  }
  for (std::size_t i = 0; i < best->segments.size(); ++i) {
    if (IsParam(best->segments[i])) {
      request.path_params[best->segments[i].substr(1, best->segments[i].size() - 2)] = path[i];
    }
  }
  best->handler(std::move(request), std::move(responder));
}

}  // namespace livedrop::http
