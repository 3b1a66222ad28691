#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "livedrop/http/address_list.h"
#include "livedrop/http/message.h"

namespace livedrop::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port, see Server::port()
  int threads = 2;
  std::size_t body_limit = 1 << 20;     // larger bodies: 413 and the connection closes
  std::size_t header_limit = 16 << 10;  // larger headers: 431 and the connection closes
  // To receive a whole request once its first byte is expected; then 408 and close.
  std::chrono::milliseconds read_timeout{10000};
  // Keep-alive: how long a connection may sit between requests before it is closed.
  std::chrono::milliseconds idle_timeout{60000};
  // No answer from the handler by then: 504 (a later answer is dropped).
  std::chrono::milliseconds handler_timeout{30000};
  std::string tls_cert_file;  // PEM chain; with tls_key_file the server speaks HTTPS only
  std::string tls_key_file;
  std::string server_name = "livedrop";  // the Server header
  // Connections open at once from one peer address (0: no cap); one more is closed as soon as
  // it is accepted. A load balancer's address belongs in the exempt list (addresses or IPv4
  // ranges, see AddressList): its clients are limited by it (and by the application, by the
  // address it forwards). A connection that becomes a WebSocket stops counting once upgraded.
  int max_connections_per_ip = 0;
  AddressList connection_cap_exempt;
};

namespace detail {
struct UpgradeHooks;  // libs/http/src/upgrade.h: where a WebSocket layer takes connections over
}

// An asynchronous HTTP/1.1 server (Boost.Beast): keep-alive, one strand per connection, a
// fresh parser per request with body and header limits, timeouts, optional TLS and a
// graceful stop. The handler runs on the connection's I/O thread and must not block; it may
// answer later and from any thread (the answer is posted back to the connection).
class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // Stop(0) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds (port 0: ephemeral) and starts the I/O threads, then returns. Throws
  // livedrop::Error: listen_failed (kUnavailable), tls_invalid (kInvalidArgument).
  void Start();
  int port() const;
  // Stops accepting and closes idle keep-alive connections at once, lets in-flight requests
  // finish for up to `drain` (their answers carry Connection: close), then closes every
  // connection and joins the I/O threads. Safe to call more than once.
  void Stop(std::chrono::milliseconds drain = std::chrono::seconds(10));
  // Blocks until Stop() has finished (from another thread); returns at once if not running.
  void Wait();

 private:
  friend void SetUpgradeHooks(Server& server, detail::UpgradeHooks hooks);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::http
