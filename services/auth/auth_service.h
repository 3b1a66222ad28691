#pragma once

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/redis/versioned_cache.h"
#include "passwords.h"
#include "token_issuer.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::pg {
class Pool;
}

namespace livedrop::auth {

// gRPC handlers of livedrop.auth.v1.AuthService: translate proto ↔ domain and compose the
// rules (auth_logic), the hashing (passwords), the SQL (auth_store) and the tokens.
class AuthServiceImpl final : public livedrop::auth::v1::AuthService::Service {
 public:
  // `users` caches public user views (ld:auth:user:<id>); users never change after sign-up
  // yet, so entries are written once, at version 1. A profile-update route must bump it.
  AuthServiceImpl(pg::Pool& pool, const PasswordHasher& hasher, const TokenIssuer& tokens,
                  redis::VersionedCache users);

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
  ::grpc::Status GetJwks(::grpc::ServerContext* ctx, const v1::GetJwksRequest* req,
                         v1::GetJwksResponse* resp) override;

 private:
  // Starts a new refresh-token family for the user and fills both tokens.
  void IssueTokens(pqxx::transaction_base& tx, const UserRecord& user, v1::TokenPair& out) const;

  pg::Pool& pool_;
  const PasswordHasher& hasher_;
  const TokenIssuer& tokens_;
  redis::VersionedCache users_;
};

}  // namespace livedrop::auth
