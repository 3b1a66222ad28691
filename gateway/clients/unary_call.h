#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <variant>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "livedrop/core/error.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"

namespace livedrop::gateway {

// What a downstream call ends with: the response or the service's error.
template <class Response>
using Outcome = std::variant<Response, Error>;

template <class Response>
using Done = std::function<void(Outcome<Response>)>;

// Calls started whose state (and `done`, with all it holds) is not yet released. What a `done`
// reaches must outlive it: a test harness waits for none in flight before it destroys that.
inline std::atomic<int>& UnaryCallsInFlight() {
  static std::atomic<int> in_flight{0};
  return in_flight;
}

// Starts a non-blocking unary call with gRPC's callback API; `done` runs on a gRPC thread.
// `start` is the stub's async method bound to the stub, e.g.
//   [stub](auto* ctx, auto* req, auto* resp, auto cb) { stub->async()->GetUser(ctx, req, resp, cb); }
template <class Request, class Response, class Start>
void UnaryCall(Start&& start, Request request, const rpc::CallOrigin& origin,
               std::chrono::milliseconds timeout, Done<Response> done) {
  struct Counted {  // the first member: counted out after everything else is released
    Counted() { UnaryCallsInFlight().fetch_add(1); }
    ~Counted() { UnaryCallsInFlight().fetch_sub(1); }
  };
  struct State {
    Counted counted;
    std::unique_ptr<::grpc::ClientContext> context;
    Request request;
    Response response;
    Done<Response> done;
  };
  auto state = std::make_shared<State>(
      State{Counted{}, rpc::NewClientContext(timeout, origin), std::move(request), Response{},
            std::move(done)});
  start(state->context.get(), &state->request, &state->response,
        [state](::grpc::Status status) {
          if (status.ok()) {
            state->done(Outcome<Response>(std::move(state->response)));
          } else {
            state->done(Outcome<Response>(rpc::FromStatus(status)));
          }
        });
}

}  // namespace livedrop::gateway

// Defines Client::Method(MethodRequest, origin, Done<MethodResponse>) as a UnaryCall on the
// client's stub_ with its timeout_: every client wrapper method is this one line.
#define LIVEDROP_CLIENT_CALL(Client, Method)                                                  \
  void Client::Method(Method##Request req, const ::livedrop::rpc::CallOrigin& origin,        \
                      ::livedrop::gateway::Done<Method##Response> done) {                    \
    auto* stub = stub_.get();                                                                 \
    ::livedrop::gateway::UnaryCall<Method##Request, Method##Response>(                        \
        [stub](auto* ctx, auto* request, auto* response, auto callback) {                     \
          stub->async()->Method(ctx, request, response, std::move(callback));                 \
        },                                                                                    \
        std::move(req), origin, timeout_, std::move(done));                                   \
  }
