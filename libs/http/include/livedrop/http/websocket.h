#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "livedrop/http/message.h"
#include "livedrop/http/server.h"

// WebSockets (RFC 6455) on the livedrop::http::Server, without Beast in the header: one
// session per connection on its own strand, a bounded send queue, pings and an idle timeout.
namespace livedrop::http {

struct WebSocketOptions {
  std::size_t max_message_bytes = 4096;  // a client frame larger than this closes (1009)
  // The send queue: more than this many bytes or messages waiting closes the connection with
  // kCloseSlowConsumer, so a stalled client cannot hold memory without bound.
  std::size_t max_queued_bytes = 256 * 1024;
  std::size_t max_queued_messages = 512;
  // SO_SNDBUF of each connection; 0 leaves the kernel's (auto-tuned, up to megabytes). A small
  // one bounds kernel memory per idle-but-stalled client too.
  int socket_send_buffer_bytes = 0;
  std::chrono::milliseconds handshake_timeout{10000};
  // With no traffic for half of this a ping is sent; no answer by the end closes.
  std::chrono::milliseconds idle_timeout{60000};
  // How long a close handshake may take before the socket is simply closed.
  std::chrono::milliseconds close_timeout{2000};
  // Called on the connection's strand once a frame is written, with how long it waited from
  // Send (for a metric: how long a fan-out's frames queue behind each other). Cheap or absent.
  std::function<void(std::chrono::steady_clock::duration waited)> on_frame_written;
};

inline constexpr int kCloseNormal = 1000;
inline constexpr int kCloseGoingAway = 1001;  // the server is shutting down
inline constexpr int kClosePolicyViolation = 1008;
inline constexpr int kCloseSlowConsumer = 4008;  // the send queue overflowed

// An open (or opening) WebSocket. Thread-safe and non-blocking: Send and Close may be called
// from any thread; frames go out in the order Send was called.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // Queues a text frame. False if the connection is closing, or if this frame overflows the
  // send queue (the connection is then closed with kCloseSlowConsumer).
  virtual bool Send(std::shared_ptr<const std::string> text) = 0;
  virtual void Close(int code, const std::string& reason) = 0;
  virtual bool closing() const = 0;
  // Calls `callback` once every frame queued so far has been written (at once when nothing
  // waits), never if the connection ends first: how a sender pages a long answer through the
  // bounded queue instead of overflowing it. (This default is for sockets without a queue.)
  virtual void WhenDrained(std::function<void()> callback) { callback(); }
};

// What the application hears from a connection it accepted; both run on its strand.
struct WebSocketHandlers {
  std::function<void(const std::string& text)> on_message;  // client text frames
  std::function<void(int close_code)> on_closed;            // exactly once, at the end
};

// An upgrade request waiting for the application's decision: exactly one of Accept or Refuse,
// from any thread.
class UpgradeRequest {
 public:
  virtual ~UpgradeRequest() = default;
  virtual const Request& request() const = 0;
  // Completes the handshake (answering `subprotocol` in Sec-WebSocket-Protocol if not empty).
  // Frames sent before the handshake completes wait in the queue.
  virtual std::shared_ptr<WebSocket> Accept(WebSocketHandlers handlers,
                                            const std::string& subprotocol = "") = 0;
  virtual void Refuse(Response response) = 0;
};

using UpgradeHandler = std::function<void(std::shared_ptr<UpgradeRequest>)>;

// Takes over every `Upgrade: websocket` request that `server` reads (other requests go to the
// server's handler as before). Construct before server.Start(); keep alive while it runs.
// Every WebSocket must be released before the Server is destroyed (release them in
// on_closed, and CloseAll before stopping the server).
class WebSocketServer {
 public:
  WebSocketServer(Server& server, WebSocketOptions options, UpgradeHandler handler);
  ~WebSocketServer();
  WebSocketServer(const WebSocketServer&) = delete;
  WebSocketServer& operator=(const WebSocketServer&) = delete;

  // Closes every connection with `code` (e.g. kCloseGoingAway) and waits up to `wait` for
  // them to end. Call before Server::Stop.
  void CloseAll(int code, const std::string& reason, std::chrono::milliseconds wait);
  std::size_t open_connections() const;

  struct Impl;  // defined in websocket.cpp, shared with its sessions

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace livedrop::http
