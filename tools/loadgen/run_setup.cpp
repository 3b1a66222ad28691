#include "run_setup.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "http_connection.h"

namespace livedrop::loadgen {

void EnsureDescriptors(long long connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    throw std::runtime_error(std::string("getrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
  }
  if (limit.rlim_cur != limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      throw std::runtime_error(std::string("setrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
    }
  }
  const long long needed = connections + kSpareFds;
  if (limit.rlim_max != RLIM_INFINITY && static_cast<long long>(limit.rlim_max) < needed) {
    throw std::runtime_error(
        std::to_string(connections) + " connections need " + std::to_string(needed) +
        " file descriptors but the hard limit (ulimit -Hn) is " + std::to_string(limit.rlim_max) +
        ": raise it (e.g. /etc/security/limits.conf nofile, or systemd LimitNOFILE) or lower "
        "the connection counts. The gateway needs as many descriptors as well.");
  }
  // Every connection to the one gateway address takes its own local port.
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  long long low = 0, high = 0;
  if (range >> low >> high && high >= low && connections > high - low + 1) {
    throw std::runtime_error(std::to_string(connections) +
                             " connections to one gateway address need as many local ports; "
                             "net.ipv4.ip_local_port_range has " +
                             std::to_string(high - low + 1));
  }
}

void RequireGateway(const HttpEndpoint& gateway) {
  HttpConnection probe(gateway.host, gateway.port, std::chrono::seconds(5));
  const auto a = probe.Get(gateway.path + "/healthz");
  if (a.status != 200) {
    throw std::runtime_error("the gateway at " + gateway.host + ":" + std::to_string(gateway.port) +
                             " does not answer /healthz (" +
                             (a.status == 0 ? a.error : std::to_string(a.status)) +
                             "): start ./scripts/livedrop up");
  }
}

FleetTally TallyFleet(const std::vector<WsConnectionState>& states,
                      const std::vector<bool>& is_follower) {
  FleetTally t;
  t.logs.resize(states.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    t.logs[i].follower = i < is_follower.size() ? is_follower[i] : true;
    t.logs[i].frames = states[i].frames;
    if (states[i].ready) t.ready_ms.push_back(states[i].ready_ms);
    if (!states[i].ready) ++t.not_ready;
    if (!states[i].failure.empty()) {
      ++t.failed;
      ++t.failures[states[i].failure];
    } else if (!states[i].ready) {
      ++t.failed;
      ++t.failures[states[i].opened ? "no ready frame within --ready-timeout"
                                    : "not opened within --ready-timeout"];
    }
  }
  return t;
}

}  // namespace livedrop::loadgen
