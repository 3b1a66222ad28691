// libFuzzer harness: the HTTP request path of libs/http, end to end. A real Server (Beast
// parser, limits, keep-alive, pipelining, the Router) listens on loopback; each input is written
// raw on a new connection, which is then half-closed and read to its end. Nothing may crash,
// hang or leak, and no answer may be a 5xx: hostile bytes are the client's error.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "livedrop/http/router.h"
#include "livedrop/http/server.h"
#include "loopback.h"

namespace {

using namespace livedrop;

// Handlers that read what routes read (path and query parameters, headers, the body) and
// answer with sizes only, so a status line in the response can only be the server's.
http::Handler Reads() {
  return [](http::Request&& r, http::Responder done) {
    std::size_t n = r.body.size() + r.path.size() + r.query_params.size();
    for (const auto& [name, value] : r.path_params) n += name.size() + value.size();
    if (auto cursor = r.QueryParam("cursor")) n += cursor->size();
    if (auto auth = r.headers.Get("authorization")) n += auth->size();
    done(http::Response::Json(200, "{\"n\":" + std::to_string(n) + "}"));
  };
}

int Port() {
  static int port = [] {
    static http::Router router;
    router.Add("GET", "/v1/drops", Reads());
    router.Add("GET", "/v1/drops/{id}", Reads());
    router.Add("POST", "/v1/orders", Reads());
    router.Add("GET", "/v1/creators/{id}/followers", Reads());
    router.Add("DELETE", "/v1/creators/{id}/follow", Reads());
    http::ServerOptions options;
    options.threads = 1;
    options.body_limit = 64 << 10;
    options.header_limit = 8 << 10;
    options.read_timeout = std::chrono::milliseconds(500);
    options.idle_timeout = std::chrono::milliseconds(500);
    // Never stopped: the process ends with the fuzzer.
    static auto* server = new http::Server(options, [](http::Request&& r, http::Responder done) {
      router.Handle(std::move(r), std::move(done));
    });
    server->Start();
    return server->port();
  }();
  return port;
}

// Every status line in `response` (at its start or right after a message) is below 500.
bool AnyServerError(const std::string& response) {
  for (std::size_t at = response.find("HTTP/1.1 "); at != std::string::npos;
       at = response.find("HTTP/1.1 ", at + 1)) {
    if ((at == 0 || response.compare(at - 2, 2, "\r\n") == 0) && at + 9 < response.size() &&
        response[at + 9] == '5') {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = fuzz::Connect(Port(), 3000);
  if (fd < 0) __builtin_trap();
  fuzz::WriteAll(fd, std::string_view(reinterpret_cast<const char*>(data), size));
  ::shutdown(fd, SHUT_WR);
  const std::string response = fuzz::ReadToEnd(fd);
  ::close(fd);
  if (AnyServerError(response)) __builtin_trap();
  return 0;
}
