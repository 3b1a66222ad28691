#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "livedrop/http/message.h"

namespace livedrop::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port, see Server::port()
  int threads = 2;
  std::size_t body_limit = 1 << 20;     // larger bodies: 413
  std::size_t header_limit = 16 << 10;  // larger headers: 431
  std::chrono::milliseconds read_timeout{10000};     // to receive a whole request
  std::chrono::milliseconds idle_timeout{60000};     // keep-alive wait for the next request
  std::chrono::milliseconds handler_timeout{30000};  // no answer by then: 504
  std::string tls_cert_file;  // with tls_key_file: HTTPS
  std::string tls_key_file;
  std::string server_name = "livedrop";
};

// An asynchronous HTTP/1.1 server (Boost.Beast): keep-alive, one strand per connection, a
// fresh parser per request with body and header limits, timeouts, optional TLS and a
// graceful stop. Handlers may answer later and from any thread.
class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Start();  // binds and starts the I/O threads; throws livedrop::Error if it cannot bind
  int port() const;
  // Stops accepting, lets in-flight requests finish for up to `drain`, then closes every
  // connection and joins the threads.
  void Stop(std::chrono::milliseconds drain = std::chrono::seconds(10));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::http
