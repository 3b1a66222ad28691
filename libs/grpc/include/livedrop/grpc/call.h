#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <grpcpp/server_context.h>

namespace livedrop::rpc {

// The service boundary, one line per handler:
//
//   grpc::Status Register(grpc::ServerContext* ctx, const RegisterRequest* req,
//                         RegisterResponse* resp) override {
//     return rpc::Serve(ctx, "Register", [&] { *resp = logic_.Register(*req); });
//   }
//
// It takes the request id and traceparent from the call's metadata into the log context and
// into outgoing calls made on this thread (with the caller's deadline), turns a thrown
// livedrop::Error into a Status carrying ErrorInfo, turns anything else into a generic
// INTERNAL (details only in the log), and records the call in the rpc metrics.
::grpc::Status Serve(::grpc::ServerContext* context, std::string_view method,
                     const std::function<void()>& body);

// Metadata keys that travel with every call.
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceParentHeader[] = "traceparent";

// What an outgoing call inherits from the call being served on this thread (if any).
struct InboundCall {
  std::string request_id;
  std::string trace_parent;
  std::optional<std::chrono::system_clock::time_point> deadline;
};
const InboundCall* CurrentInboundCall();

// The name errors are attributed to (ErrorInfo.domain), e.g. "livedrop-auth". Set once.
void SetServiceName(std::string name);
const std::string& ServiceName();

}  // namespace livedrop::rpc
