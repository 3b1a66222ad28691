#include "livedrop/grpc/client.h"

#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <netdb.h>
#include <sys/socket.h>

#include <sstream>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/log/traceparent.h"

namespace livedrop::rpc {
namespace {

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// "host:port" → every address the name resolves to, as "ipv4:..."/"ipv6:..." entries.
std::vector<std::string> Resolve(const std::string& address, bool& ipv6) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                "address '" + address + "' must be host:port");
  }
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &result) != 0 || result == nullptr) {
    throw Error(ErrorKind::kUnavailable, "unresolvable", "cannot resolve '" + address + "'");
  }
  std::vector<std::string> out;
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (ai->ai_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf, sizeof buf);
      out.push_back(std::string(buf) + ":" + port);
    } else if (ai->ai_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf,
                sizeof buf);
      out.push_back("[" + std::string(buf) + "]:" + port);
      ipv6 = true;
    }
  }
  freeaddrinfo(result);
  return out;
}

std::string Target(const std::string& addresses) {
  const auto parts = Split(addresses, ',');
  if (parts.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid", "empty service address");
  }
  if (parts.size() == 1) return "dns:///" + parts.front();
  bool ipv6 = false;
  std::string target;
  for (const auto& part : parts) {
    for (const auto& resolved : Resolve(part, ipv6)) {
      target += (target.empty() ? "" : ",") + resolved;
    }
  }
  return (ipv6 ? "ipv6:" : "ipv4:") + target;
}

}  // namespace

std::shared_ptr<::grpc::Channel> MakeChannel(const std::string& addresses, std::string_view service,
                                             const ChannelPolicy& policy) {
  ::grpc::ChannelArguments args;
  args.SetServiceConfigJSON(ServiceConfigJson(service, policy.retry));
  ApplyKeepalive(policy.keepalive, args);
  // A restarted instance is found again within a second, not after gRPC's default 2 min cap.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  const std::optional<TlsIdentity> tls = policy.tls ? std::optional<TlsIdentity>(*policy.tls) : ProcessTls();
  if (tls) args.SetSslTargetNameOverride(ServerNameOf(service));
  return ::grpc::CreateCustomChannel(Target(addresses), MakeChannelCredentials(tls), args);
}

std::unique_ptr<::grpc::ClientContext> NewClientContext(std::chrono::milliseconds timeout,
                                                        const CallOrigin& origin) {
  auto context = std::make_unique<::grpc::ClientContext>();
  auto deadline = std::chrono::system_clock::now() + timeout;
  const InboundCall* inbound = CurrentInboundCall();
  if (inbound != nullptr && inbound->deadline && *inbound->deadline < deadline) {
    deadline = *inbound->deadline;
  }
  context->set_deadline(deadline);
  // During a restart or rollout, wait (within the deadline) for an instance to accept the
  // call instead of failing at once.
  context->set_wait_for_ready(true);
  if (!origin.request_id.empty()) context->AddMetadata(kRequestIdHeader, origin.request_id);
  if (!origin.user_id.empty()) {
    context->AddMetadata(kUserIdHeader, origin.user_id);
    context->AddMetadata(kUserRoleHeader, origin.user_role);
  }
  const auto parent = log::ParseTraceParent(origin.trace_parent);
  const auto child = parent ? log::ChildOf(*parent) : log::NewTraceParent();
  context->AddMetadata(kTraceParentHeader, log::FormatTraceParent(child));
  return context;
}

std::unique_ptr<::grpc::ClientContext> NewClientContext(std::chrono::milliseconds timeout) {
  const InboundCall* inbound = CurrentInboundCall();
  CallOrigin origin;
  if (inbound != nullptr) origin = CallOrigin{inbound->request_id, inbound->trace_parent};
  return NewClientContext(timeout, origin);
}

}  // namespace livedrop::rpc
