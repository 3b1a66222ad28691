#pragma once

#include <map>
#include <string>
#include <vector>

#include "fan_out_logic.h"
#include "run_plan.h"
#include "ws_client.h"

namespace livedrop::loadgen {

// Descriptors a scenario needs besides its WebSocket and HTTP connections (set-up
// connections, files).
inline constexpr long long kSpareFds = 128;

// Raises the soft RLIMIT_NOFILE to the hard limit; throws (naming the limit to raise) when
// `connections` descriptors cannot fit, or more connections to one gateway address than
// net.ipv4.ip_local_port_range has ports.
void EnsureDescriptors(long long connections);

// Throws when the gateway does not answer GET /healthz with 200 ("start ./scripts/livedrop up").
void RequireGateway(const HttpEndpoint& gateway);

// The WebSocket fleet's connections after CloseAll, as the delivery analysis reads them, with
// the failures grouped by reason.
struct FleetTally {
  std::vector<ConnectionLog> logs;      // per connection, in Open's order
  std::vector<double> ready_ms;         // connect → ready frame, of the ready ones
  long long failed = 0, not_ready = 0;  // failed: failed to open, never ready, or closed
  std::map<std::string, long long> failures;
};
FleetTally TallyFleet(const std::vector<WsConnectionState>& states,
                      const std::vector<bool>& is_follower);

}  // namespace livedrop::loadgen
