// libFuzzer harness: WebSocket frames on libs/http's WebSocketServer. Each input is a new
// connection: a valid upgrade handshake, then the input as raw frame bytes (masked or not,
// fragmented, control frames, bad opcodes, lengths that lie), then a half-close. Text messages
// are echoed back as the notification sockets answer. Nothing may crash, hang or leak.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "livedrop/http/server.h"
#include "livedrop/http/websocket.h"
#include "loopback.h"

namespace {

using namespace livedrop;

constexpr std::string_view kHandshake =
    "GET /v1/ws HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

// Sockets stay referenced until they close, as the gateway's hub holds them. Never destroyed:
// the server's thread may still close one while the process exits.
std::mutex& open_mutex = *new std::mutex;
std::set<std::shared_ptr<http::WebSocket>>& open_sockets =
    *new std::set<std::shared_ptr<http::WebSocket>>;

int Port() {
  static int port = [] {
    http::ServerOptions options;
    options.threads = 1;
    options.read_timeout = std::chrono::milliseconds(500);
    static auto* server = new http::Server(options, [](http::Request&&, http::Responder done) {
      done(http::Response::Text(404, "not found"));
    });
    http::WebSocketOptions ws;
    ws.max_message_bytes = 4096;
    ws.idle_timeout = std::chrono::milliseconds(2000);
    ws.close_timeout = std::chrono::milliseconds(200);
    static auto* sockets = new http::WebSocketServer(
        *server, ws, [](std::shared_ptr<http::UpgradeRequest> upgrade) {
          auto holder = std::make_shared<std::weak_ptr<http::WebSocket>>();
          auto socket = upgrade->Accept(
              {[holder](const std::string& text) {
                 if (auto s = holder->lock()) s->Send(std::make_shared<const std::string>(text));
               },
               [holder](int) {
                 std::lock_guard lock(open_mutex);
                 if (auto s = holder->lock()) open_sockets.erase(s);
               }});
          *holder = socket;
          std::lock_guard lock(open_mutex);
          open_sockets.insert(socket);
        });
    (void)sockets;
    server->Start();
    return server->port();
  }();
  return port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = fuzz::Connect(Port(), 3000);
  if (fd < 0) __builtin_trap();
  fuzz::WriteAll(fd, kHandshake);
  const std::string head = fuzz::ReadUntil(fd, "\r\n\r\n");
  if (head.rfind("HTTP/1.1 101", 0) != 0) {  // a valid handshake is accepted
    std::fprintf(stderr, "handshake not accepted (errno %d): [%s]\n", errno, head.c_str());
    __builtin_trap();
  }
  fuzz::WriteAll(fd, std::string_view(reinterpret_cast<const char*>(data), size));
  ::shutdown(fd, SHUT_WR);
  (void)fuzz::ReadToEnd(fd);
  ::close(fd);
  return 0;
}
