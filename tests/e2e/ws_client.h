#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace livedrop::e2e {

// A test WebSocket client for GET /v1/ws and GraphQL's /graphql (Beast, kept out of this header).
class WsClient {
 public:
  struct Options {
    std::string target = "/v1/ws";
    std::map<std::string, std::string> headers;  // e.g. Authorization
    std::string subprotocols;                    // Sec-WebSocket-Protocol offered
    int receive_buffer_bytes = 0;                // SO_RCVBUF before connecting (0: default)
  };
  // Connects and upgrades; check Refused() for the HTTP answer of a refused upgrade.
  WsClient(int port, Options options);
  ~WsClient();

  bool Refused() const;
  int RefusedStatus() const;  // the HTTP status of a refused upgrade
  std::string RefusedBody() const;
  std::string Subprotocol() const;  // what the server answered

  // Sends one text frame; false if the connection is gone.
  bool Send(const std::string& text);
  // The next text frame, or nothing within `timeout`. nullopt also once the server closed.
  std::optional<std::string> Read(std::chrono::milliseconds timeout);
  // The next frame whose "type" is `type` (skipping others), or nothing within `timeout`.
  std::optional<std::string> ReadType(const std::string& type, std::chrono::milliseconds timeout);
  // Waits for the server to close; its close code, or -1 (timeout / no close frame).
  int AwaitClose(std::chrono::milliseconds timeout);
  // Whether the connection ended (a close frame, or the peer gone) as far as reads have seen.
  bool Closed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::e2e
