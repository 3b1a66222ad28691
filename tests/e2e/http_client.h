#pragma once

#include <map>
#include <string>

namespace livedrop::e2e {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

// A blocking HTTP/1.1 client for tests (one connection per request).
class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {}) const;
  HttpResult Get(const std::string& target, const std::string& bearer = "") const;
  HttpResult PostJson(const std::string& target, const std::string& json,
                      const std::string& bearer = "") const;

 private:
  int port_;
};

}  // namespace livedrop::e2e
