#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Beast-free HTTP messages: what handlers, routes and tests see.
namespace livedrop::http {

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  std::optional<std::string> Get(const std::string& name) const;
  void Set(const std::string& name, std::string value);  // replaces
  void Add(const std::string& name, std::string value);  // appends
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;  // "GET"
  std::string target;  // "/v1/drops?status=live"
  std::string path;    // "/v1/drops" (still percent-encoded)
  std::string query;   // "status=live"
  Headers headers;
  std::string body;
  std::string remote_address;
  std::multimap<std::string, std::string> query_params;  // decoded
  std::map<std::string, std::string> path_params;        // filled by the Router

  std::optional<std::string> QueryParam(const std::string& name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
};

// Answers a request: call exactly once, from any thread.
using Responder = std::function<void(Response)>;
using Handler = std::function<void(Request&&, Responder)>;

}  // namespace livedrop::http
