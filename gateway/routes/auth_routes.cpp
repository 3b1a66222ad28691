#include "routes/auth_routes.h"

#include <boost/json.hpp>

#include "clients/auth_client.h"
#include "routes/answer.h"
#include "routes/requests.h"
#include "routes/views.h"
#include "server/json_body.h"

namespace livedrop::gateway {

using namespace livedrop::auth::v1;

void AddAuthRoutes(RouteTable& table, AuthClient& auth) {
  table.Add("POST", "/v1/auth/register", Access::kPublic, [&auth](const CallPtr& call) {
    auth.Register(requests::Register(JsonBody::Parse(call->request())), call->origin(),
                  Answer<RegisterResponse>(call, 201, [](const RegisterResponse& r) {
                    return views::Session(r.user(), r.tokens());
                  }));
  });

  table.Add("POST", "/v1/auth/login", Access::kPublic, [&auth](const CallPtr& call) {
    auth.Login(requests::Login(JsonBody::Parse(call->request())), call->origin(),
               Answer<LoginResponse>(call, 200, [](const LoginResponse& r) {
                 return views::Session(r.user(), r.tokens());
               }));
  });

  table.Add("POST", "/v1/auth/refresh", Access::kPublic, [&auth](const CallPtr& call) {
    RefreshRequest req;
    req.set_refresh_token(requests::RefreshToken(JsonBody::Parse(call->request())));
    auth.Refresh(std::move(req), call->origin(),
                 Answer<RefreshResponse>(call, 200, [](const RefreshResponse& r) {
                   return views::Session(r.user(), r.tokens());
                 }));
  });

  table.Add("POST", "/v1/auth/logout", Access::kPublic, [&auth](const CallPtr& call) {
    LogoutRequest req;
    req.set_refresh_token(requests::RefreshToken(JsonBody::Parse(call->request())));
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
