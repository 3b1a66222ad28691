#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace livedrop::loadgen {

struct HttpAnswer {
  int status = 0;     // 0: no answer (connect, write, read failure or timeout)
  std::string error;  // why there was no answer
  std::string body;
  bool replayed = false;    // Idempotent-Replayed: true
  std::string retry_after;  // the Retry-After header, as sent (empty when absent)
  double ms = 0;            // from write to the end of the answer
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One keep-alive HTTP/1.1 connection, used from one thread at a time. Blocking calls with a
// per-request timeout; a broken connection is dropped and the next request reconnects (the
// failed request itself is not retried: the caller decides).
class HttpConnection {
 public:
  HttpConnection(std::string host, int port,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  HttpAnswer Request(const std::string& method, const std::string& target,
                     const std::string& body = "", const Headers& headers = {});
  HttpAnswer Get(const std::string& target, const std::string& bearer = "");
  HttpAnswer PostJson(const std::string& target, const std::string& json,
                      const std::string& bearer = "", const Headers& extra = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::loadgen
