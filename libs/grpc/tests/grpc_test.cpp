#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/server_runner.h"
#include "livedrop/grpc/status.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::rpc {
namespace {

using livedrop::auth::v1::AuthService;
using livedrop::auth::v1::GetUserRequest;
using livedrop::auth::v1::GetUserResponse;
using namespace std::chrono_literals;

// A stand-in AuthService whose GetUser reports what the service boundary gave it.
class ProbeService final : public AuthService::Service {
 public:
  ::grpc::Status GetUser(::grpc::ServerContext* ctx, const GetUserRequest* req,
                         GetUserResponse* resp) override {
    return Serve(ctx, "GetUser", [&] {
      calls++;
      const InboundCall* call = CurrentInboundCall();
      seen_request_id = call ? call->request_id : "";
      auto outgoing = NewClientContext(1h);
      outgoing_deadline = outgoing->deadline();
      inbound_deadline = call && call->deadline ? *call->deadline
                                                : std::chrono::system_clock::time_point::max();
      if (req->id() == "missing") throw NotFoundError("user");
      if (req->id() == "boom") throw std::runtime_error("secret detail");
      resp->mutable_user()->set_id(req->id());
    });
  }

  std::atomic<int> calls{0};
  std::string seen_request_id;
  std::chrono::system_clock::time_point outgoing_deadline, inbound_deadline;
};

struct RunningServer {
  ProbeService service;
  ServerRunner runner{ServerOptions{"livedrop-test", "127.0.0.1:0", 4, 1000ms}};
  RunningServer() {
    runner.AddService(&service);
    runner.Start();
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(runner.port()); }
};

TEST(Status, ErrorRoundTripsThroughStatusWithReasonAndMetadata) {
  const Error original(ErrorKind::kFailedPrecondition, "sold_out", "drop is sold out",
                       {{"drop_id", "d1"}});
  const auto status = ToStatus(original, "livedrop-inventory");
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::FAILED_PRECONDITION);
  const Error back = FromStatus(status);
  EXPECT_EQ(back.kind(), ErrorKind::kFailedPrecondition);
  EXPECT_EQ(back.code(), "sold_out");
  EXPECT_EQ(back.metadata().at("drop_id"), "d1");
  EXPECT_STREQ(back.what(), "drop is sold out");
}

TEST(Status, StatusWithoutErrorInfo_GetsCodeFromGrpcCode) {
  const Error e = FromStatus(::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "connect failed"));
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(e.code(), "unavailable");
  EXPECT_TRUE(IsRetryable(e.kind()));
}

TEST(ServerRunner, Serve_PropagatesRequestIdAndCallerDeadline) {
  RunningServer server;
  auto stub = AuthService::NewStub(MakeChannel(server.Address()));
  auto ctx = NewClientContext(5s, CallOrigin{"req-123", ""});
  GetUserRequest req;
  req.set_id("u1");
  GetUserResponse resp;
  const auto status = stub->GetUser(ctx.get(), req, &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(resp.user().id(), "u1");
  EXPECT_EQ(server.service.seen_request_id, "req-123");
  // The handler asked for a 1h deadline on its own outgoing call; it must be capped at ours.
  EXPECT_LE(server.service.outgoing_deadline, server.service.inbound_deadline);
  EXPECT_LT(server.service.outgoing_deadline, std::chrono::system_clock::now() + 10s);
}

TEST(ServerRunner, Serve_DomainErrorArrivesWithReason) {
  RunningServer server;
  auto stub = AuthService::NewStub(MakeChannel(server.Address()));
  auto ctx = NewClientContext(5s);
  GetUserRequest req;
  req.set_id("missing");
  GetUserResponse resp;
  const Error e = FromStatus(stub->GetUser(ctx.get(), req, &resp));
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  EXPECT_EQ(e.code(), "not_found");
  // The call is counted by method and outcome.
  EXPECT_NE(metrics::Registry::Default().Render().find(
                "livedrop_rpc_requests_total{code=\"NOT_FOUND\",method=\"GetUser\"} "),
            std::string::npos);
}

TEST(ServerRunner, Serve_UnexpectedExceptionBecomesGenericInternal) {
  RunningServer server;
  auto stub = AuthService::NewStub(MakeChannel(server.Address()));
  auto ctx = NewClientContext(5s);
  GetUserRequest req;
  req.set_id("boom");
  GetUserResponse resp;
  const auto status = stub->GetUser(ctx.get(), req, &resp);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message().find("secret"), std::string::npos);
}

TEST(MakeChannel, AddressList_BalancesRoundRobinOverEveryInstance) {
  RunningServer a, b;
  auto stub = AuthService::NewStub(MakeChannel(a.Address() + "," + b.Address()));
  for (int i = 0; i < 20; ++i) {
    auto ctx = NewClientContext(5s);
    ctx->set_wait_for_ready(true);
    GetUserRequest req;
    req.set_id("u");
    GetUserResponse resp;
    ASSERT_TRUE(stub->GetUser(ctx.get(), req, &resp).ok());
  }
  EXPECT_GT(a.service.calls.load(), 0);
  EXPECT_GT(b.service.calls.load(), 0);
  EXPECT_EQ(a.service.calls.load() + b.service.calls.load(), 20);
}

}  // namespace
}  // namespace livedrop::rpc
