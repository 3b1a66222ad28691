#include "auth_service.h"

#include <pqxx/pqxx>

#include "auth_logic.h"
#include "auth_store.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/pg/pool.h"

namespace livedrop::auth {
namespace {

constexpr char kTopic[] = "livedrop.auth";

v1::Role RoleToProto(const std::string& role) {
  if (role == "buyer") return v1::ROLE_BUYER;
  if (role == "creator") return v1::ROLE_CREATOR;
  if (role == "admin") return v1::ROLE_ADMIN;
  return v1::ROLE_UNSPECIFIED;
}

std::string RegistrationRole(v1::Role role) {
  switch (role) {
    case v1::ROLE_BUYER:
      return "buyer";
    case v1::ROLE_CREATOR:
      return "creator";
    default:
      throw ValidationError("role", "role must be 'buyer' or 'creator'");
  }
}

void ToProto(const UserRecord& user, v1::User& out) {
  out.set_id(user.id);
  out.set_email(user.email);
  out.set_display_name(user.display_name);
  out.set_role(RoleToProto(user.role));
  rpc::SetTimestamp(user.created_at, out.mutable_created_at());
}

Error InvalidCredentials() {
  // One message whether or not the email exists.
  return Error(ErrorKind::kUnauthenticated, "invalid_credentials", "email or password is wrong");
}

Error InvalidRefreshToken() {
  return Error(ErrorKind::kUnauthenticated, "refresh_token_invalid",
               "refresh token is invalid, expired or revoked");
}

std::string Trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

AuthServiceImpl::AuthServiceImpl(pg::Pool& pool, const PasswordHasher& hasher,
                                 const TokenIssuer& tokens, redis::VersionedCache users)
    : pool_(pool), hasher_(hasher), tokens_(tokens), users_(std::move(users)) {}

void AuthServiceImpl::IssueTokens(pqxx::transaction_base& tx, const UserRecord& user,
                                  v1::TokenPair& out) const {
  const std::string refresh = TokenIssuer::NewRefreshToken();
  AuthStore::InsertRefreshToken(
      tx, RefreshTokenRecord{TokenIssuer::HashRefreshToken(refresh), NewUuid(), user.id,
                             Now() + std::chrono::duration_cast<std::chrono::microseconds>(
                                         tokens_.options().refresh_ttl)});
  out.set_access_token(tokens_.IssueAccessToken(user));
  out.set_refresh_token(refresh);
  out.set_expires_in(tokens_.options().access_ttl.count());
  out.set_token_type("Bearer");
}

::grpc::Status AuthServiceImpl::Register(::grpc::ServerContext* ctx, const v1::RegisterRequest* req,
                                         v1::RegisterResponse* resp) {
  return rpc::Serve(ctx, "Register", [&] {
    ValidateEmail(req->email());
    ValidatePassword(req->password());
    ValidateDisplayName(req->display_name());
    UserRecord user{NewUuid(),
                    Trimmed(req->email()),
                    Trimmed(req->display_name()),
                    RegistrationRole(req->role()),
                    "",
                    Now()};
    const std::string normalized = NormalizeEmail(req->email());
    const auto taken = [] {
      return Error(ErrorKind::kAlreadyExists, "email_taken", "an account with this email exists");
    };
    // Cheap check first so a duplicate does not pay for a password hash.
    if (pool_.Transact(
            [&](pqxx::work& tx) { return AuthStore::FindUserByEmail(tx, normalized); })) {
      throw taken();
    }
    user.password_hash = hasher_.Hash(req->password());
    pool_.Transact([&](pqxx::work& tx) {
      const auto created_at = AuthStore::InsertUser(tx, user, normalized);
      if (!created_at) throw taken();
      user.created_at = *created_at;
      IssueTokens(tx, user, *resp->mutable_tokens());
      v1::UserRegistered event;
      event.set_user_id(user.id);
      event.set_role(RoleToProto(user.role));
      event.set_display_name(user.display_name);
      kafka::EnqueueEvent(
          tx, kTopic, kafka::MakeEnvelope("user_registered", rpc::ServiceName(), user.id, event));
    });
    ToProto(user, *resp->mutable_user());
  });
}

::grpc::Status AuthServiceImpl::Login(::grpc::ServerContext* ctx, const v1::LoginRequest* req,
                                      v1::LoginResponse* resp) {
  return rpc::Serve(ctx, "Login", [&] {
    if (req->email().empty() || req->password().empty() ||
        req->password().size() > kMaxPasswordLength || req->email().size() > kMaxEmailLength) {
      throw InvalidCredentials();
    }
    const auto user = pool_.Transact([&](pqxx::work& tx) {
      return AuthStore::FindUserByEmail(tx, NormalizeEmail(req->email()));
    });
    if (!user) {
      hasher_.VerifyDummy(req->password());
      throw InvalidCredentials();
    }
    if (!hasher_.Verify(user->password_hash, req->password())) throw InvalidCredentials();
    pool_.Transact([&](pqxx::work& tx) { IssueTokens(tx, *user, *resp->mutable_tokens()); });
    ToProto(*user, *resp->mutable_user());
  });
}

::grpc::Status AuthServiceImpl::Refresh(::grpc::ServerContext* ctx, const v1::RefreshRequest* req,
                                        v1::RefreshResponse* resp) {
  return rpc::Serve(ctx, "Refresh", [&] {
    if (req->refresh_token().empty() || req->refresh_token().size() > 256) {
      throw InvalidRefreshToken();
    }
    enum class Outcome { kRotated, kInvalid, kReused };
    const std::string hash = TokenIssuer::HashRefreshToken(req->refresh_token());
    const Outcome outcome = pool_.Transact([&](pqxx::work& tx) {
      const auto token = AuthStore::LockRefreshToken(tx, hash);
      if (!token || token->revoked || token->expires_at < Now()) return Outcome::kInvalid;
      if (token->used) {
        // A rotated token came back: someone holds a copy. End the whole session family.
        AuthStore::RevokeFamily(tx, token->family_id);
        return Outcome::kReused;
      }
      const auto user = AuthStore::FindUserById(tx, token->user_id);
      if (!user) return Outcome::kInvalid;
      AuthStore::MarkRefreshTokenUsed(tx, hash);
      const std::string next = TokenIssuer::NewRefreshToken();
      AuthStore::InsertRefreshToken(
          tx, RefreshTokenRecord{TokenIssuer::HashRefreshToken(next), token->family_id, user->id,
                                 Now() + std::chrono::duration_cast<std::chrono::microseconds>(
                                             tokens_.options().refresh_ttl)});
      auto& pair = *resp->mutable_tokens();
      pair.set_access_token(tokens_.IssueAccessToken(*user));
      pair.set_refresh_token(next);
      pair.set_expires_in(tokens_.options().access_ttl.count());
      pair.set_token_type("Bearer");
      ToProto(*user, *resp->mutable_user());
      return Outcome::kRotated;
    });
    if (outcome == Outcome::kReused) {
      throw Error(ErrorKind::kUnauthenticated, "refresh_token_reused",
                  "refresh token was already used; every session of this login is revoked");
    }
    if (outcome == Outcome::kInvalid) throw InvalidRefreshToken();
  });
}

::grpc::Status AuthServiceImpl::Logout(::grpc::ServerContext* ctx, const v1::LogoutRequest* req,
                                       v1::LogoutResponse*) {
  return rpc::Serve(ctx, "Logout", [&] {
    if (req->refresh_token().empty() || req->refresh_token().size() > 256) return;
    // Idempotent and silent: an unknown or already revoked token is not an error.
    pool_.Transact([&](pqxx::work& tx) {
      const auto token =
          AuthStore::LockRefreshToken(tx, TokenIssuer::HashRefreshToken(req->refresh_token()));
      if (token) AuthStore::RevokeFamily(tx, token->family_id);
    });
  });
}

::grpc::Status AuthServiceImpl::GetUser(::grpc::ServerContext* ctx, const v1::GetUserRequest* req,
                                        v1::GetUserResponse* resp) {
  return rpc::Serve(ctx, "GetUser", [&] {
    if (!IsUuid(req->id())) throw NotFoundError("user");
    const std::string key = "ld:auth:user:" + req->id();
    if (const auto cached = users_.Get(key);
        cached && resp->mutable_user()->ParseFromString(*cached)) {
      return;
    }
    const auto user =
        pool_.Transact([&](pqxx::work& tx) { return AuthStore::FindUserById(tx, req->id()); });
    if (!user) throw NotFoundError("user");
    ToProto(*user, *resp->mutable_user());
    users_.PutIfNewer(key, 1, resp->user().SerializeAsString());
  });
}

::grpc::Status AuthServiceImpl::GetJwks(::grpc::ServerContext* ctx, const v1::GetJwksRequest*,
                                        v1::GetJwksResponse* resp) {
  return rpc::Serve(ctx, "GetJwks", [&] {
    for (const auto& key : tokens_.PublicKeys()) {
      auto* jwk = resp->add_keys();
      jwk->set_kty("OKP");
      jwk->set_crv("Ed25519");
      jwk->set_kid(key.kid);
      jwk->set_x(Base64UrlEncode(key.public_key));
      jwk->set_alg("EdDSA");
      jwk->set_use("sig");
    }
  });
}

}  // namespace livedrop::auth
