#pragma once

#include "livedrop/auth/v1/auth.grpc.pb.h"

namespace livedrop::auth {

class AuthApp;

// gRPC handlers of livedrop.auth.v1.AuthService: proto ↔ domain around a call on the app,
// nothing else.
class AuthGrpc final : public v1::AuthService::Service {
 public:
  explicit AuthGrpc(AuthApp& app) : app_(app) {}

  ::grpc::Status Register(::grpc::ServerContext* ctx, const v1::RegisterRequest* req,
                          v1::RegisterResponse* resp) override;
  ::grpc::Status Login(::grpc::ServerContext* ctx, const v1::LoginRequest* req,
                       v1::LoginResponse* resp) override;
  ::grpc::Status Refresh(::grpc::ServerContext* ctx, const v1::RefreshRequest* req,
                         v1::RefreshResponse* resp) override;
  ::grpc::Status Logout(::grpc::ServerContext* ctx, const v1::LogoutRequest* req,
                        v1::LogoutResponse* resp) override;
  ::grpc::Status GetUser(::grpc::ServerContext* ctx, const v1::GetUserRequest* req,
                         v1::GetUserResponse* resp) override;
  ::grpc::Status GetUsers(::grpc::ServerContext* ctx, const v1::GetUsersRequest* req,
                          v1::GetUsersResponse* resp) override;
  ::grpc::Status GetJwks(::grpc::ServerContext* ctx, const v1::GetJwksRequest* req,
                         v1::GetJwksResponse* resp) override;

 private:
  AuthApp& app_;
};

}  // namespace livedrop::auth
