#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace grpc {
class ChannelArguments;
class ServerBuilder;
}  // namespace grpc

namespace livedrop::rpc {

// One keepalive policy for both ends of every connection, so that they agree: clients ping
// idle connections every `ping_interval` (also without calls, so a quiet channel stays warm
// and a dead peer is noticed), and servers accept pings that often. A server that accepts
// fewer pings than its clients send answers with GOAWAY "too_many_pings" and kills the calls
// on that connection — what gRPC's defaults (5 minutes) did to our 30 s clients.
struct KeepalivePolicy {
  std::chrono::milliseconds ping_interval{30000};
  std::chrono::milliseconds ping_timeout{10000};  // no answer by then: the connection is dead
  // The server's own pings, which find clients that vanished without closing.
  std::chrono::milliseconds server_ping_interval{60000};

  // What the server accepts: half the clients' interval, so timer jitter never counts as abuse.
  std::chrono::milliseconds MinAcceptedPingInterval() const { return ping_interval / 2; }
};

// Retries of the calls that are safe to repeat (methods with `option idempotency_level` in
// their proto), on UNAVAILABLE only, with exponential backoff; every attempt stays within the
// call's deadline.
struct RetryPolicy {
  int max_attempts = 5;  // gRPC's own cap
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
  double backoff_multiplier = 2.0;
};

struct TlsIdentity;

struct ChannelPolicy {
  KeepalivePolicy keepalive;
  RetryPolicy retry;
  // The identity the channel presents; unset: the process's (tls.h, SetProcessTls), and
  // plaintext when the process has none either.
  std::shared_ptr<const TlsIdentity> tls;
};

void ApplyKeepalive(const KeepalivePolicy& policy, ::grpc::ChannelArguments& args);
void ApplyKeepalive(const KeepalivePolicy& policy, ::grpc::ServerBuilder& builder);

// The gRPC service config of a channel to `service` (its full proto name, e.g.
// "livedrop.inventory.v1.InventoryService"): round-robin balancing, and `retry` for every
// method whose proto declares idempotency_level IDEMPOTENT or NO_SIDE_EFFECTS. Throws
// Error(kInvalidArgument) for a service the linked protos do not define.
std::string ServiceConfigJson(std::string_view service, const RetryPolicy& retry);

}  // namespace livedrop::rpc
