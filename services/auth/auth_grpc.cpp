#include "auth_grpc.h"

#include "auth_app.h"
#include "auth_proto.h"
#include "livedrop/auth/jwt.h"
#include "livedrop/grpc/call.h"

namespace livedrop::auth {
namespace {

template <class Response>
void FillSession(const Session& session, Response& resp) {
  ToProto(session.user, *resp.mutable_user());
  ToProto(session.tokens, *resp.mutable_tokens());
}

}  // namespace

::grpc::Status AuthGrpc::Register(::grpc::ServerContext* ctx, const v1::RegisterRequest* req,
                                  v1::RegisterResponse* resp) {
  return rpc::Serve(ctx, "Register", [&] {
    FillSession(app_.Register(Registration{req->email(), req->password(), req->display_name(),
                                           RoleFromProto(req->role())}),
                *resp);
  });
}

::grpc::Status AuthGrpc::Login(::grpc::ServerContext* ctx, const v1::LoginRequest* req,
                               v1::LoginResponse* resp) {
  return rpc::Serve(ctx, "Login",
                    [&] { FillSession(app_.Login(req->email(), req->password()), *resp); });
}

::grpc::Status AuthGrpc::Refresh(::grpc::ServerContext* ctx, const v1::RefreshRequest* req,
                                 v1::RefreshResponse* resp) {
  return rpc::Serve(ctx, "Refresh",
                    [&] { FillSession(app_.Refresh(req->refresh_token()), *resp); });
}

::grpc::Status AuthGrpc::Logout(::grpc::ServerContext* ctx, const v1::LogoutRequest* req,
                                v1::LogoutResponse*) {
  return rpc::Serve(ctx, "Logout", [&] { app_.Logout(req->refresh_token()); });
}

::grpc::Status AuthGrpc::GetUser(::grpc::ServerContext* ctx, const v1::GetUserRequest* req,
                                 v1::GetUserResponse* resp) {
  return rpc::Serve(ctx, "GetUser",
                    [&] { ToProto(app_.GetUser(req->id()), *resp->mutable_user()); });
}

::grpc::Status AuthGrpc::GetUsers(::grpc::ServerContext* ctx, const v1::GetUsersRequest* req,
                                  v1::GetUsersResponse* resp) {
  return rpc::Serve(ctx, "GetUsers", [&] {
    for (const auto& user : app_.GetUsers({req->ids().begin(), req->ids().end()})) {
      ToProto(user, *resp->add_users());
    }
  });
}

::grpc::Status AuthGrpc::GetJwks(::grpc::ServerContext* ctx, const v1::GetJwksRequest*,
                                 v1::GetJwksResponse* resp) {
  return rpc::Serve(ctx, "GetJwks", [&] {
    for (const auto& key : app_.SigningKeys()) ToProto(key, *resp->add_keys());
  });
}

}  // namespace livedrop::auth
