#include "livedrop/http/problem.h"

#include <boost/json.hpp>

namespace livedrop::http {

Response Problem(int status, const std::string& code, const std::string& title,
                 const std::string& detail, const std::string& request_id,
                 const std::map<std::string, std::string>& extensions) {
  boost::json::object body{{"type", "https://livedrop.dev/problems/" + code},
                           {"title", title},
                           {"status", status},
                           {"detail", detail},
                           {"code", code}};
  if (!request_id.empty()) body["request_id"] = request_id;
  for (const auto& [name, value] : extensions) {
    if (!body.contains(name)) body[name] = value;
  }
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/problem+json");
  // Overload and outages are brief (a pool reconnecting, a dependency restarting): tell the
  // client when to try again instead of leaving it to guess or to retry at once.
  if (status == 429 || status == 503) r.headers.Set("Retry-After", "1");
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace livedrop::http
