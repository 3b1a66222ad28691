#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fan_out_logic.h"

namespace livedrop::loadgen {

struct WsFleetOptions {
  std::string host;
  int port = 80;
  std::string target = "/v1/ws";
  int threads = 2;  // io_context threads, one io_context each
  std::chrono::milliseconds handshake_timeout{30000};
};

// How one connection ended up.
struct WsConnectionState {
  bool opened = false;                // the attempt started before the opening deadline
  bool ready = false;                 // the ready frame arrived
  double ready_ms = 0;                // from the start of the TCP connect to the ready frame
  std::string failure;                // why it failed or closed before CloseAll; empty otherwise
  std::vector<ReceivedFrame> frames;  // every text frame with its receipt time
};

// Many WebSocket client connections (RFC 6455, Boost.Beast async) spread over a few
// io_context threads, each authenticated with its own bearer token. Every text frame is kept
// with the wall-clock time it was read, so delays are measured against wall-clock schedules.
// Not thread-safe: one caller drives it.
class WsFleet {
 public:
  explicit WsFleet(WsFleetOptions options);  // resolves the host; throws when it cannot
  ~WsFleet();
  WsFleet(const WsFleet&) = delete;
  WsFleet& operator=(const WsFleet&) = delete;

  // Opens one connection per token, at most `concurrency` not yet ready at a time, and returns
  // when every connection is ready or failed, or after `timeout` (later attempts are not
  // started). `is_ready` recognises the frame the server sends once it has set up the
  // connection. Call once.
  void Open(const std::vector<std::string>& tokens, int concurrency,
            std::function<bool(std::string_view)> is_ready, std::chrono::milliseconds timeout);
  long long ReadyCount() const;
  long long FailedCount() const;  // failed to open, or closed since

  // From now on counts connections that receive (for the first time) a frame containing every
  // one of `needles`; with `counted` (one flag per connection) only the flagged ones. Call once,
  // before the frames are expected.
  void Watch(std::vector<std::string> needles, std::vector<bool> counted = {});
  long long MatchedCount() const;

  // Sends `samples` pings one after another over different ready connections; the round trip
  // of each answered pong in ms (unanswered ones within `timeout` are left out, and three of
  // them end the sampling: a server that does not answer pings should not stall the run).
  std::vector<double> PingRoundTrips(int samples, std::chrono::milliseconds timeout);

  // Closes every connection (close handshake, at most `grace`) and stops the threads.
  void CloseAll(std::chrono::milliseconds grace);
  // Per token, in Open's order; only after CloseAll.
  std::vector<WsConnectionState> TakeStates();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::loadgen
