#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "livedrop/grpc/channel_policy.h"
#include "livedrop/grpc/tls.h"

namespace livedrop::rpc {

// A channel to every instance of one service, balanced round-robin, with the shared keepalive
// policy and retries of the service's idempotent methods (see channel_policy.h). `service` is
// the generated service's full name: `inventory::v1::InventoryService::service_full_name()`.
// `addresses` is "host:port" or a comma-separated list "a:7001,b:7001". Names are resolved
// with DNS (dns:/// — a Kubernetes headless Service returns every pod); a list is resolved
// once and dialled as one ipv4/ipv6 target so every listed instance gets calls.
// With TLS (policy.tls, else the process's SetProcessTls) the channel presents its certificate
// and accepts only a server whose certificate names the service (ServerNameOf(service)),
// whatever address it dials.
std::shared_ptr<::grpc::Channel> MakeChannel(const std::string& addresses, std::string_view service,
                                             const ChannelPolicy& policy = {});

// The same for a generated service type: MakeChannel<auth::v1::AuthService>("auth:7001").
template <class Service>
std::shared_ptr<::grpc::Channel> MakeChannel(const std::string& addresses,
                                             const ChannelPolicy& policy = {}) {
  return MakeChannel(addresses, Service::service_full_name(), policy);
}

// Metadata an outgoing call carries when it is not made while serving a call (the gateway).
struct CallOrigin {
  std::string request_id;
  std::string trace_parent;  // the caller's W3C traceparent; the callee sees a child of it
  // The verified end user the gateway acts for (kUserIdHeader, kUserRoleHeader); empty: none.
  std::string user_id;
  std::string user_role;
};

// A ClientContext with a deadline of now + timeout, never later than the deadline of the
// call being served on this thread, carrying that call's request id and a child traceparent.
std::unique_ptr<::grpc::ClientContext> NewClientContext(std::chrono::milliseconds timeout);
std::unique_ptr<::grpc::ClientContext> NewClientContext(std::chrono::milliseconds timeout,
                                                        const CallOrigin& origin);

// An asynchronous unary call with a NewClientContext(timeout) made now (so it carries the
// call being served on this thread): `start` begins it on the generated stub —
//   [&](auto* ctx, auto* req, auto* resp, auto done) {
//     stub->async()->Charge(ctx, req, resp, std::move(done)); }
// — and `done` gets the status and the response on a gRPC thread, where it must not block.
// The context, request and response live until `done` has returned.
template <class Request, class Response>
void CallAsync(std::chrono::milliseconds timeout, Request request,
               const std::function<void(::grpc::ClientContext*, const Request*, Response*,
                                        std::function<void(::grpc::Status)>)>& start,
               std::function<void(const ::grpc::Status&, Response&)> done) {
  struct Call {
    std::unique_ptr<::grpc::ClientContext> context;
    Request request;
    Response response;
  };
  auto call = std::make_shared<Call>(Call{NewClientContext(timeout), std::move(request), {}});
  start(call->context.get(), &call->request, &call->response,
        [call, done = std::move(done)](::grpc::Status status) { done(status, call->response); });
}

}  // namespace livedrop::rpc
