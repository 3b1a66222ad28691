#include "routes/auth_routes.h"

#include <boost/json.hpp>

#include "clients/auth_client.h"
#include "routes/answer.h"
#include "routes/views.h"
#include "server/json_body.h"

namespace livedrop::gateway {
namespace {

using namespace livedrop::auth::v1;

Role ParseRole(const std::string& role) {
  if (role == "buyer") return ROLE_BUYER;
  if (role == "creator") return ROLE_CREATOR;
  throw ValidationError("role", "role must be 'buyer' or 'creator'");
}

}  // namespace

void AddAuthRoutes(RouteTable& table, AuthClient& auth) {
  table.Add("POST", "/v1/auth/register", Access::kPublic, [&auth](const CallPtr& call) {
    const auto body = JsonBody::Parse(call->request());
    RegisterRequest req;
    req.set_email(body.RequiredString("email", 254));
    req.set_password(body.RequiredString("password", 128));
    req.set_display_name(body.RequiredString("display_name", 256));
    req.set_role(ParseRole(body.RequiredString("role", 16)));
    auth.Register(std::move(req), call->origin(),
                  Answer<RegisterResponse>(call, 201, [](const RegisterResponse& r) {
                    return views::Session(r.user(), r.tokens());
                  }));
  });

  table.Add("POST", "/v1/auth/login", Access::kPublic, [&auth](const CallPtr& call) {
    const auto body = JsonBody::Parse(call->request());
    LoginRequest req;
    req.set_email(body.RequiredString("email", 254));
    req.set_password(body.RequiredString("password", 128));
    auth.Login(std::move(req), call->origin(),
               Answer<LoginResponse>(call, 200, [](const LoginResponse& r) {
                 return views::Session(r.user(), r.tokens());
               }));
  });

  table.Add("POST", "/v1/auth/refresh", Access::kPublic, [&auth](const CallPtr& call) {
    const auto body = JsonBody::Parse(call->request());
    RefreshRequest req;
    req.set_refresh_token(body.RequiredString("refresh_token", 256));
    auth.Refresh(std::move(req), call->origin(),
                 Answer<RefreshResponse>(call, 200, [](const RefreshResponse& r) {
                   return views::Session(r.user(), r.tokens());
                 }));
  });

  table.Add("POST", "/v1/auth/logout", Access::kPublic, [&auth](const CallPtr& call) {
    const auto body = JsonBody::Parse(call->request());
    LogoutRequest req;
    req.set_refresh_token(body.RequiredString("refresh_token", 256));
    auth.Logout(std::move(req), call->origin(), [call](Outcome<LogoutResponse> outcome) {
      if (auto* error = std::get_if<Error>(&outcome)) return call->Fail(*error);
      call->ReplyEmpty(204);
    });
  });

  table.Add("GET", "/v1/me", Access::kAuthenticated, [&auth](const CallPtr& call) {
    GetUserRequest req;
    req.set_id(call->caller().subject);
    auth.GetUser(std::move(req), call->origin(),
                 Answer<GetUserResponse>(
                     call, 200, [](const GetUserResponse& r) { return views::User(r.user()); }));
  });
}

}  // namespace livedrop::gateway
