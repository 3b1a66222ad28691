#pragma once

#include <chrono>
#include <memory>

#include "clients/unary_call.h"
#include "livedrop/auth/v1/auth.grpc.pb.h"

namespace livedrop::gateway {

// The gateway's view of livedrop-auth: one non-blocking method per RPC it uses.
class AuthClient {
 public:
  AuthClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);

  void Register(auth::v1::RegisterRequest req, const rpc::CallOrigin& origin,
                Done<auth::v1::RegisterResponse> done);
  void Login(auth::v1::LoginRequest req, const rpc::CallOrigin& origin,
             Done<auth::v1::LoginResponse> done);
  void Refresh(auth::v1::RefreshRequest req, const rpc::CallOrigin& origin,
               Done<auth::v1::RefreshResponse> done);
  void Logout(auth::v1::LogoutRequest req, const rpc::CallOrigin& origin,
              Done<auth::v1::LogoutResponse> done);
  void GetUser(auth::v1::GetUserRequest req, const rpc::CallOrigin& origin,
               Done<auth::v1::GetUserResponse> done);
  void GetUsers(auth::v1::GetUsersRequest req, const rpc::CallOrigin& origin,
                Done<auth::v1::GetUsersResponse> done);
  // Blocking: used at start-up and by the key refresher thread, never on a request path.
  auth::v1::GetJwksResponse GetJwksBlocking();

 private:
  std::unique_ptr<auth::v1::AuthService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::gateway
