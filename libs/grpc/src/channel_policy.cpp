#include "livedrop/grpc/channel_policy.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpc/impl/codegen/grpc_types.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>

#include <cstdio>

#include "livedrop/core/error.h"

namespace livedrop::rpc {
namespace {

int Ms(std::chrono::milliseconds d) { return static_cast<int>(d.count()); }

// A protobuf JSON Duration: "0.050s".
std::string Duration(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03llds", static_cast<long long>(d.count() / 1000),
                static_cast<long long>(d.count() % 1000));
  return buf;
}

bool SafeToRepeat(const google::protobuf::MethodDescriptor& method) {
  return method.options().idempotency_level() !=
         google::protobuf::MethodOptions::IDEMPOTENCY_UNKNOWN;
}

}  // namespace

void ApplyKeepalive(const KeepalivePolicy& policy, ::grpc::ChannelArguments& args) {
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, Ms(policy.ping_interval));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Ms(policy.ping_timeout));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // By default a client stops pinging after two pings without data; keep idle channels warm.
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
}

void ApplyKeepalive(const KeepalivePolicy& policy, ::grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Ms(policy.MinAcceptedPingInterval()));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Ms(policy.server_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Ms(policy.ping_timeout));
}

std::string ServiceConfigJson(std::string_view service, const RetryPolicy& retry) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  if (descriptor == nullptr) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                "no gRPC service named '" + std::string(service) + "' is linked in");
  }
  std::string names;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const auto* method = descriptor->method(i);
    if (!SafeToRepeat(*method)) continue;
    if (!names.empty()) names += ',';
    names +=
        R"({"service":")" + descriptor->full_name() + R"(","method":")" + method->name() + R"("})";
  }
  std::string config = R"({"loadBalancingConfig":[{"round_robin":{}}])";
  if (!names.empty()) {
    char policy[256];
    std::snprintf(policy, sizeof policy,
                  R"("retryPolicy":{"maxAttempts":%d,"initialBackoff":"%s","maxBackoff":"%s",)"
                  R"("backoffMultiplier":%.2f,"retryableStatusCodes":["UNAVAILABLE"]})",
                  retry.max_attempts, Duration(retry.initial_backoff).c_str(),
                  Duration(retry.max_backoff).c_str(), retry.backoff_multiplier);
    config += R"(,"methodConfig":[{"name":[)" + names + "]," + policy + "}]";
  }
  return config + "}";
}

}  // namespace livedrop::rpc
