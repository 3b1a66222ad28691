#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/server_runner.h"
#include "livedrop/grpc/status.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/process.h"
#include "livedrop/testing/tcp_proxy.h"

namespace livedrop::rpc {
namespace {

using livedrop::auth::v1::AuthService;
using livedrop::auth::v1::GetUserRequest;
using livedrop::auth::v1::GetUserResponse;
using livedrop::auth::v1::RegisterRequest;
using livedrop::auth::v1::RegisterResponse;
using namespace std::chrono_literals;

// A stand-in AuthService whose GetUser reports what the service boundary gave it.
class ProbeService final : public AuthService::Service {
 public:
  ::grpc::Status GetUser(::grpc::ServerContext* ctx, const GetUserRequest* req,
                         GetUserResponse* resp) override {
    return Serve(ctx, "GetUser", [&] {
      calls++;
      {
        std::lock_guard lock(peers_mutex);
        peers.insert(ctx->peer());
      }
      const InboundCall* call = CurrentInboundCall();
      seen_request_id = call ? call->request_id : "";
      auto outgoing = NewClientContext(1h);
      outgoing_deadline = outgoing->deadline();
      inbound_deadline =
          call && call->deadline ? *call->deadline : std::chrono::system_clock::time_point::max();
      if (hook) hook(calls.load());
      if (req->id() == "missing") throw NotFoundError("user");
      if (req->id() == "boom") throw std::runtime_error("secret detail");
      resp->mutable_user()->set_id(req->id());
    });
  }

  // Register is not safe to repeat (no idempotency_level in auth.proto): never retried.
  ::grpc::Status Register(::grpc::ServerContext* ctx, const RegisterRequest*,
                          RegisterResponse* resp) override {
    return Serve(ctx, "Register", [&] {
      calls++;
      if (hook) hook(calls.load());
      resp->mutable_user()->set_id("new");
    });
  }

  std::function<void(int call)> hook;  // runs in every call, with its number (from 1)
  std::mutex peers_mutex;
  std::set<std::string> peers;  // the connections GetUser came over ("ipv4:127.0.0.1:<port>")
  std::atomic<int> calls{0};
  std::string seen_request_id;
  std::chrono::system_clock::time_point outgoing_deadline, inbound_deadline;
};

struct RunningServer {
  ProbeService service;
  ServerRunner runner;
  explicit RunningServer(KeepalivePolicy keepalive = {}, int port = 0)
      : runner(ServerOptions{"livedrop-test", "127.0.0.1:" + std::to_string(port), 4, 1000ms,
                             keepalive}) {
    runner.AddService(&service);
    runner.Start();
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(runner.port()); }
};

// Pings every second (gRPC's floor for a client): what hours of 30 s pings do to a connection,
// in seconds.
KeepalivePolicy FastPings() {
  KeepalivePolicy policy;
  policy.ping_interval = 1s;
  policy.ping_timeout = 2s;
  policy.server_ping_interval = 2s;
  return policy;
}

ChannelPolicy WithKeepalive(KeepalivePolicy keepalive) {
  ChannelPolicy policy;
  policy.keepalive = keepalive;
  return policy;
}

::grpc::Status CallRegister(AuthService::Stub& stub, std::chrono::milliseconds timeout) {
  auto ctx = NewClientContext(timeout);
  RegisterRequest req;
  RegisterResponse resp;
  return stub.Register(ctx.get(), req, &resp);
}

::grpc::Status CallGetUser(AuthService::Stub& stub, const std::string& id,
                           std::chrono::milliseconds timeout) {
  auto ctx = NewClientContext(timeout);
  GetUserRequest req;
  req.set_id(id);
  GetUserResponse resp;
  return stub.GetUser(ctx.get(), req, &resp);
}

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

// Connections are aged out (GOAWAY), so a caller connects again and resolves the name again:
// calls go on succeeding, over new connections.
TEST(ServerRunner, MaxConnectionAge_CallerReconnectsAndNoCallFails) {
  ProbeService service;
  ServerOptions options{"livedrop-test", "127.0.0.1:0", 4, 1000ms};
  options.max_connection_age = 300ms;
  options.max_connection_age_grace = 1s;
  ServerRunner runner(options);
  runner.AddService(&service);
  runner.Start();
  auto stub = AuthService::NewStub(
      MakeChannel<AuthService>("127.0.0.1:" + std::to_string(runner.port())));
  int failed = 0;
  const auto until = std::chrono::steady_clock::now() + 2500ms;
  while (std::chrono::steady_clock::now() < until) {
    if (!CallGetUser(*stub, "u", 2s).ok()) ++failed;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(failed, 0);
  std::lock_guard lock(service.peers_mutex);
  EXPECT_GE(service.peers.size(), 3u) << "the connection was not aged out";
}

TEST(ServerRunner, Serve_PropagatesRequestIdAndCallerDeadline) {
  RunningServer server;
  auto stub = AuthService::NewStub(MakeChannel<AuthService>(server.Address()));
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
  auto stub = AuthService::NewStub(MakeChannel<AuthService>(server.Address()));
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
  auto stub = AuthService::NewStub(MakeChannel<AuthService>(server.Address()));
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
  auto stub = AuthService::NewStub(MakeChannel<AuthService>(a.Address() + "," + b.Address()));
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

// The production failure, reproduced: clients ping more often than the server accepts, the
// server answers GOAWAY "too_many_pings" and the call on that connection dies. This pins down
// that the test below would catch a policy mismatch.
TEST(Keepalive, ServerStricterThanItsClients_KillsTheCallWithTooManyPings) {
  RunningServer server;  // accepts a ping every 15 s
  auto channel = MakeChannel<AuthService>(server.Address(), WithKeepalive(FastPings()));
  auto stub = AuthService::NewStub(channel);
  std::atomic<bool> client_answered{false};
  server.service.hook = [&](int) {
    // Outlasts the third strike (due by 5 s): held until the client has its answer.
    testing::Eventually([&] { return client_answered.load(); }, 10s);
  };
  const auto status = CallRegister(*stub, 10s);
  client_answered = true;
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(status.error_message().find("Too many pings"), std::string::npos)
      << status.error_message();
}

TEST(Keepalive, SharedPolicy_IdleChannelAndLongCallSurviveManyPings) {
  RunningServer server(FastPings());
  auto channel = MakeChannel<AuthService>(server.Address(), WithKeepalive(FastPings()));
  auto stub = AuthService::NewStub(channel);
  ASSERT_TRUE(CallGetUser(*stub, "u1", 5s).ok());
  testing::Idle(3s, "the channel idles for three ping intervals");
  EXPECT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
  // Longer than the stricter server above lets such a call live (killed by 5 s).
  server.service.hook = [](int) { testing::Idle(6s, "a long call under many pings"); };
  const auto status = CallRegister(*stub, 10s);  // a call that is never retried
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server.service.calls.load(), 2);
  EXPECT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
}

// The connection is reset while the server works on the first attempt; the retry goes out on
// a new connection and the caller sees only the answer.
// A server behind a TcpProxy that resets every connection while the first call is being
// served: `call` runs against it and returns its status.
::grpc::Status CallCutUnderTheFirstAttempt(
    RunningServer& server, const std::function<::grpc::Status(AuthService::Stub&)>& call) {
  testing::TcpProxy proxy(server.runner.port());
  auto stub =
      AuthService::NewStub(MakeChannel<AuthService>("127.0.0.1:" + std::to_string(proxy.Port())));
  std::promise<void> in_first_call;
  server.service.hook = [&](int n) {
    if (n != 1) return;
    in_first_call.set_value();
    testing::Idle(300ms, "the first attempt is still served when its connection is cut");
  };
  std::thread cutter([&] {
    in_first_call.get_future().wait();
    proxy.CutAll();
  });
  const auto status = call(*stub);
  cutter.join();
  EXPECT_GE(proxy.Accepted(), 1);
  return status;
}

TEST(Retry, ConnectionResetUnderIdempotentCall_RetriedWithinDeadline) {
  RunningServer server;
  const auto status = CallCutUnderTheFirstAttempt(
      server, [](AuthService::Stub& stub) { return CallGetUser(stub, "u1", 5s); });
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server.service.calls.load(), 2);
}

TEST(Retry, ConnectionResetUnderUnsafeCall_IsNotRepeated) {
  RunningServer server;
  const auto status = CallCutUnderTheFirstAttempt(
      server, [](AuthService::Stub& stub) { return CallRegister(stub, 5s); });
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::UNAVAILABLE);
  testing::Idle(300ms, "a repeated attempt would have reached the server by now");
  EXPECT_EQ(server.service.calls.load(), 1);
}

// The instance is stopped under a call and started again on the same port a little later: the
// call is answered by the new instance within its deadline.
TEST(Retry, ServerRestartedUnderIdempotentCall_AnsweredByTheNewInstance) {
  const int port = testing::FreePort();
  auto first = std::make_unique<RunningServer>(KeepalivePolicy{}, port);
  auto stub = AuthService::NewStub(MakeChannel<AuthService>("127.0.0.1:" + std::to_string(port)));
  ASSERT_TRUE(CallGetUser(*stub, "warm", 5s).ok());
  std::promise<void> in_call;
  first->service.hook = [&](int call) {
    if (call != 2) return;
    in_call.set_value();
    testing::Idle(1500ms, "the call outlasts the 1 s drain and is cut off");
  };
  std::unique_ptr<RunningServer> second;
  std::thread restarter([&] {
    in_call.get_future().wait();
    first.reset();
    testing::Idle(300ms, "no instance listens for a moment");
    second = std::make_unique<RunningServer>(KeepalivePolicy{}, port);
  });
  const auto status = CallGetUser(*stub, "u1", 8s);
  restarter.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second->service.calls.load(), 1);
}

TEST(ServiceConfig, RetriesExactlyTheMethodsTheProtoMarksSafe) {
  // Links inventory's descriptors in, as any client of the service does through its stub.
  ASSERT_NE(livedrop::inventory::v1::ReserveRequest::descriptor(), nullptr);
  const std::string config = ServiceConfigJson("livedrop.inventory.v1.InventoryService", {});
  for (const char* method : {"Reserve", "Confirm", "Release", "GetStock", "GetStocks"}) {
    EXPECT_NE(config.find(std::string(R"("method":")") + method + "\""), std::string::npos)
        << method;
  }
  EXPECT_EQ(config.find(R"("method":"CreateStock")"), std::string::npos);
  EXPECT_NE(config.find(R"("retryableStatusCodes":["UNAVAILABLE"])"), std::string::npos);
  EXPECT_NE(config.find(R"("loadBalancingConfig":[{"round_robin":{}}])"), std::string::npos);
  EXPECT_NE(config.find(R"("initialBackoff":"0.050s")"), std::string::npos);
  EXPECT_THROW(ServiceConfigJson("livedrop.nope.v1.NopeService", {}), Error);
}

}  // namespace
}  // namespace livedrop::rpc
