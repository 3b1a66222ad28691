// Mutual TLS between services, the per-method access policy and the user the gateway acts for,
// over real gRPC servers on loopback with certificates from scripts/dev-certs.
#include <gtest/gtest.h>

#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/core/error.h"
#include "livedrop/grpc/access.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/server_runner.h"
#include "livedrop/grpc/status.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/testing/certs.h"
#include "livedrop/testing/in_process_server.h"

namespace livedrop::rpc {
namespace {

using livedrop::auth::v1::AuthService;
using livedrop::auth::v1::GetUserRequest;
using livedrop::auth::v1::GetUserResponse;
using livedrop::auth::v1::RegisterRequest;
using livedrop::auth::v1::RegisterResponse;
using namespace std::chrono_literals;

// GetUser stands for a method that acts for the user its request names (RequireActingUser);
// Register for one that names none. Both record who the boundary says called.
class CallerProbe final : public AuthService::Service {
 public:
  ::grpc::Status GetUser(::grpc::ServerContext* ctx, const GetUserRequest* req,
                         GetUserResponse* resp) override {
    return Serve(ctx, "GetUser", [&] {
      Record();
      RequireActingUser(req->id());
      resp->mutable_user()->set_id(req->id());
    });
  }
  ::grpc::Status Register(::grpc::ServerContext* ctx, const RegisterRequest*,
                          RegisterResponse* resp) override {
    return Serve(ctx, "Register", [&] {
      Record();
      resp->mutable_user()->set_id("new");
    });
  }

  std::atomic<int> calls{0};
  std::string caller() {
    std::lock_guard lock(mutex_);
    return caller_;
  }
  std::string user() {
    std::lock_guard lock(mutex_);
    return user_;
  }

 private:
  void Record() {
    calls++;
    std::lock_guard lock(mutex_);
    caller_ = CurrentInboundCall()->caller;
    user_ = CurrentInboundCall()->user_id;
  }
  std::mutex mutex_;
  std::string caller_, user_;
};

testing::InProcessServerOptions TlsServer(const std::string& name, AccessPolicy access = {}) {
  testing::InProcessServerOptions options;
  options.name = name;
  options.tls = testing::TlsIdentityOf(name);
  options.access = std::move(access);
  return options;
}

// A channel to AuthService presenting `name`'s certificate from `dir` (none: plaintext).
std::unique_ptr<AuthService::Stub> Client(const std::string& address, const std::string& name,
                                          const std::string& dir = testing::CertsDir()) {
  ChannelPolicy policy;
  if (!name.empty()) policy.tls = testing::TlsIdentityPtr(name, dir);
  return AuthService::NewStub(MakeChannel<AuthService>(address, policy));
}

// Fails fast instead of waiting for a channel that can never connect (no wait_for_ready).
::grpc::Status Register(AuthService::Stub& stub) {
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  RegisterRequest req;
  RegisterResponse resp;
  return stub.Register(&ctx, req, &resp);
}

::grpc::Status GetUser(AuthService::Stub& stub, const std::string& id, const std::string& acting) {
  auto ctx = NewClientContext(5s, CallOrigin{"", "", acting, acting.empty() ? "" : "buyer"});
  GetUserRequest req;
  req.set_id(id);
  GetUserResponse resp;
  return stub.GetUser(ctx.get(), req, &resp);
}

TEST(MutualTls, ClientWithACertificateOfTheCa_IsServedAndKnownByItsName) {
  CallerProbe probe;
  testing::InProcessServer server(&probe, TlsServer("livedrop-auth"));
  auto stub = Client(server.Address(), "livedrop-orders");
  const auto status = Register(*stub);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(probe.caller(), "livedrop-orders");
  EXPECT_EQ(probe.user(), "");
}

TEST(MutualTls, PlaintextClient_IsRefusedBeforeAnyHandlerRuns) {
  CallerProbe probe;
  testing::InProcessServer server(&probe, TlsServer("livedrop-auth"));
  auto stub = Client(server.Address(), "");
  EXPECT_EQ(Register(*stub).error_code(), ::grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(probe.calls.load(), 0);
}

TEST(MutualTls, ClientWithACertificateOfAnotherCa_IsRefused) {
  CallerProbe probe;
  testing::InProcessServer server(&probe, TlsServer("livedrop-auth"));
  // Same name, same shape, another CA: a forged gateway.
  auto stub = Client(server.Address(), "livedrop-gateway", testing::OtherCaCertsDir());
  EXPECT_EQ(Register(*stub).error_code(), ::grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(probe.calls.load(), 0);
}

TEST(MutualTls, ServerWithAnotherServicesCertificate_IsRefusedByTheClient) {
  // A "livedrop-auth" on this address that holds the orders certificate is not auth: a client
  // that dials auth would otherwise take its signing keys from any service of the CA.
  CallerProbe probe;
  testing::InProcessServer server(&probe, TlsServer("livedrop-orders"));
  auto stub = Client(server.Address(), "livedrop-gateway");
  EXPECT_EQ(Register(*stub).error_code(), ::grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(probe.calls.load(), 0);
}

// The reflection service's one method, called as a unary call: UNIMPLEMENTED when not served.
::grpc::StatusCode CallReflection(const std::string& address) {
  ChannelPolicy policy;
  policy.tls = testing::TlsIdentityPtr("livedrop-gateway");
  ::grpc::GenericStub stub(MakeChannel<AuthService>(address, policy));
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  ::grpc::CompletionQueue cq;
  ::grpc::ByteBuffer request, response;
  ::grpc::Status status;
  auto call = stub.PrepareUnaryCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", request, &cq);
  call->StartCall();
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  return status.error_code();
}

TEST(MutualTls, ReflectionIsOffUnlessAsked) {
  CallerProbe probe;
  testing::InProcessServer server(&probe, TlsServer("livedrop-auth"));
  EXPECT_EQ(CallReflection(server.Address()), ::grpc::StatusCode::UNIMPLEMENTED);

  ServerOptions options{"livedrop-auth", "127.0.0.1:0", 4, 1000ms};
  options.tls = testing::TlsIdentityOf("livedrop-auth");
  options.reflection = true;
  ServerRunner reflecting(std::move(options));
  reflecting.AddService(&probe);
  reflecting.Start();
  EXPECT_NE(CallReflection("127.0.0.1:" + std::to_string(reflecting.port())),
            ::grpc::StatusCode::UNIMPLEMENTED);
}

TEST(AccessPolicy, ACallerNotListedForTheMethod_GetsPermissionDenied) {
  CallerProbe probe;
  testing::InProcessServer server(
      &probe, TlsServer("livedrop-auth", AccessPolicy().Allow<AuthService>(
                                             {"Register"}, {"livedrop-gateway"})));
  EXPECT_TRUE(Register(*Client(server.Address(), "livedrop-gateway")).ok());
  const auto refused = Register(*Client(server.Address(), "livedrop-payment"));
  EXPECT_EQ(refused.error_code(), ::grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(refused.error_message().find("livedrop-payment"), std::string::npos);
  // A method nobody was allowed is refused to everyone, the gateway too.
  EXPECT_EQ(GetUser(*Client(server.Address(), "livedrop-gateway"), "u1", "u1").error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(probe.calls.load(), 1);
}

TEST(AccessPolicy, AMethodTheServiceDoesNotDefine_IsAProgrammingError) {
  EXPECT_THROW(AccessPolicy().Allow<AuthService>({"Reigster"}, {"livedrop-gateway"}), Error);
}

TEST(ActingUser, OnlyTheGatewayMayNameAUser) {
  CallerProbe probe;
  testing::InProcessServer server(&probe, TlsServer("livedrop-auth"));
  // livedrop-orders acting for a user is refused before the handler runs.
  const auto refused = GetUser(*Client(server.Address(), "livedrop-orders"), "u1", "u1");
  EXPECT_EQ(refused.error_code(), ::grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(probe.calls.load(), 0);
  const auto served = GetUser(*Client(server.Address(), "livedrop-gateway"), "u1", "u1");
  ASSERT_TRUE(served.ok()) << served.error_message();
  EXPECT_EQ(probe.caller(), "livedrop-gateway");
  EXPECT_EQ(probe.user(), "u1");
}

TEST(ActingUser, ARequestNamingAnotherUserThanTheVerifiedOne_IsRefused) {
  CallerProbe probe;
  testing::InProcessServer server(&probe, TlsServer("livedrop-auth"));
  auto gateway = Client(server.Address(), "livedrop-gateway");
  const auto forged = GetUser(*gateway, "u2", "u1");  // signed in as u1, asks for u2
  EXPECT_EQ(forged.error_code(), ::grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FromStatus(forged).code(), "permission_denied");
  // The gateway acting for no one may not use a user's method either.
  EXPECT_EQ(GetUser(*gateway, "u1", "").error_code(), ::grpc::StatusCode::PERMISSION_DENIED);
  // Another service acts as itself: the access policy decides what it may call.
  EXPECT_TRUE(GetUser(*Client(server.Address(), "livedrop-orders"), "u2", "").ok());
}

TEST(LoadTlsIdentity, AllThreeOrNone) {
  EXPECT_FALSE(LoadTlsIdentity("", "", "").has_value());
  const std::string dir = testing::CertsDir();
  EXPECT_THROW(LoadTlsIdentity(dir + "/ca.pem", dir + "/livedrop-auth.pem", ""), Error);
  EXPECT_THROW(LoadTlsIdentity(dir + "/ca.pem", dir + "/missing.pem", dir + "/ca.pem"), Error);
  EXPECT_TRUE(LoadTlsIdentity(dir + "/ca.pem", dir + "/livedrop-auth.pem",
                              dir + "/livedrop-auth.key")
                  .has_value());
}

TEST(ServerNameOf, IsTheBinaryOfTheProtoPackage) {
  EXPECT_EQ(ServerNameOf("livedrop.orders.v1.OrdersService"), "livedrop-orders");
  EXPECT_EQ(ServerNameOf(AuthService::service_full_name()), "livedrop-auth");
}

}  // namespace
}  // namespace livedrop::rpc
