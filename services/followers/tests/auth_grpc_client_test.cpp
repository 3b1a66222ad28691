// AuthGrpcClient against an in-process livedrop.auth.v1.AuthService: the one place that reads
// auth's roles and status codes.
#include "clients/auth_grpc_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <atomic>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/in_process_server.h"

namespace livedrop::followers {
namespace {

using namespace std::chrono_literals;

// Knows "buyer", "creator", "admin" and "odd" (ROLE_UNSPECIFIED); "ghost" is NOT_FOUND and
// "down" UNAVAILABLE.
class ScriptedAuth final : public auth::v1::AuthService::Service {
 public:
  ::grpc::Status GetUser(::grpc::ServerContext*, const auth::v1::GetUserRequest* req,
                         auth::v1::GetUserResponse* resp) override {
    ++calls;
    if (req->id() == "ghost") return ::grpc::Status(::grpc::StatusCode::NOT_FOUND, "no user");
    if (req->id() == "down") return ::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "down");
    resp->mutable_user()->set_id(req->id());
    if (req->id() == "buyer") resp->mutable_user()->set_role(auth::v1::ROLE_BUYER);
    if (req->id() == "creator") resp->mutable_user()->set_role(auth::v1::ROLE_CREATOR);
    if (req->id() == "admin") resp->mutable_user()->set_role(auth::v1::ROLE_ADMIN);
    return ::grpc::Status::OK;
  }

  std::atomic<int> calls{0};
};

class AuthGrpcClientTest : public ::testing::Test {
 protected:
  AuthGrpcClient Client() {
    return AuthGrpcClient(
        ::grpc::CreateChannel(server_.Address(), ::grpc::InsecureChannelCredentials()), 2s);
  }

  ScriptedAuth auth_;
  // 8 handler threads: with 2, gRPC sometimes refused a call "Server Threadpool Exhausted"
  // under a loaded CI (a finished call's thread not yet back in the quota).
  testing::InProcessServer server_{&auth_, {"fake-auth", 8, 100ms}};
};

TEST_F(AuthGrpcClientTest, RoleOf_KnownUsers_MapsEveryRole) {
  auto client = Client();
  EXPECT_EQ(client.RoleOf("buyer"), Role::kBuyer);
  EXPECT_EQ(client.RoleOf("creator"), Role::kCreator);
  EXPECT_EQ(client.RoleOf("admin"), Role::kAdmin);
  EXPECT_EQ(client.RoleOf("odd"), Role::kOther);
}

TEST_F(AuthGrpcClientTest, RoleOf_NotFound_IsNothing) {
  auto client = Client();
  EXPECT_EQ(client.RoleOf("ghost"), std::nullopt);
}

TEST_F(AuthGrpcClientTest, RoleOf_AuthUnavailable_Throws) {
  auto client = Client();
  try {
    client.RoleOf("down");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  }
}

}  // namespace
}  // namespace livedrop::followers
