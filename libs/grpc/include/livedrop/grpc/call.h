#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "livedrop/core/reply.h"

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

// The same boundary for a handler that answers later, without holding a thread while it waits
// (a callback method of the generated CallbackService):
//
//   grpc::ServerUnaryReactor* PlaceOrder(grpc::CallbackServerContext* ctx,
//                                        const PlaceOrderRequest* req,
//                                        PlaceOrderResponse* resp) override {
//     return rpc::ServeAsync(ctx, "PlaceOrder", [=](rpc::Finish finish) {
//       app_.Place(..., [=](Reply<PlaceResult> r) { finish(...); });
//     });
//   }
//
// `body` runs on the calling thread in the call's scope (as Serve's does) and must not block;
// it either throws (the call ends with that error) or hands `finish` on, to be called once,
// from any thread, when the response is written: with nullptr for OK, else the exception the
// call fails with (mapped as Serve maps a thrown one). The call is recorded when it finishes.
using Finish = std::function<void(std::exception_ptr)>;
::grpc::ServerUnaryReactor* ServeAsync(::grpc::CallbackServerContext* context,
                                       std::string_view method,
                                       const std::function<void(Finish)>& body);

// Where an app's asynchronous answer goes in a ServeAsync body: `write` puts the value into
// the response, then the call finishes — with the reply's error (or one `write` throws), if any.
//   app_.Charge(input, rpc::Respond<PaymentRow>(finish, [resp](PaymentRow p) { ... }));
template <class T, class Write>
Then<T> Respond(Finish finish, Write write) {
  return [finish = std::move(finish), write = std::move(write)](Reply<T> reply) {
    std::exception_ptr error;
    try {
      write(std::move(reply).Get());
    } catch (...) {
      error = std::current_exception();
    }
    finish(error);
  };
}

// For an executor (livedrop/core/executor.h): runs a task posted while serving a call in that
// call's scope (request id and log context, deadline, acting user), on whichever thread runs
// it — so the outgoing calls and logs of an asynchronous continuation are the call's.
std::function<void()> CarryCall(std::function<void()> task);

// Metadata keys that travel with every call.
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceParentHeader[] = "traceparent";
// The end user the gateway acts for (its id and role, from the verified token). Accepted only
// from the gateway's certificate (access.h); internal calls carry none and act as the caller.
inline constexpr char kUserIdHeader[] = "x-livedrop-user-id";
inline constexpr char kUserRoleHeader[] = "x-livedrop-user-role";

// What an outgoing call inherits from the call being served on this thread (if any).
struct InboundCall {
  std::string request_id;
  std::string trace_parent;
  std::optional<std::chrono::system_clock::time_point> deadline;
  std::string caller;     // the caller's certificate name ("livedrop-gateway"); empty: plaintext
  std::string user_id;    // the user the gateway acts for (kUserIdHeader), if any
  std::string user_role;  // and its role
};
const InboundCall* CurrentInboundCall();
// The W3C traceparent of the call being served on this thread, for the events it causes; empty
// when none is.
std::string CurrentTraceParent();

// A request field that names the acting user (buyer_id, user_id, creator_id, ...) must be the
// user the gateway verified: a call from the gateway for another user, or for no user, is
// refused with PERMISSION_DENIED (REASON_PERMISSION_DENIED). Other services act as themselves
// (which methods they may call is the access policy's business) and may name any user.
// Plaintext (no TLS configured, local development only) proves no caller: only a user named
// in the metadata is compared.
void RequireActingUser(std::string_view user_id);

// The name errors are attributed to (ErrorInfo.domain), e.g. "livedrop-auth". Set once.
void SetServiceName(std::string name);
const std::string& ServiceName();

}  // namespace livedrop::rpc
