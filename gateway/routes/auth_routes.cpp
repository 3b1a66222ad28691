#include "routes/auth_routes.h"

#include <boost/json.hpp>

#include "clients/auth_client.h"
#include "routes/answer.h"
#include "routes/requests.h"
#include "routes/views.h"
#include "server/json_body.h"
#include "server/rate_limits.h"

namespace livedrop::gateway {

using namespace livedrop::auth::v1;

void AddAuthRoutes(RouteTable& table, AuthClient& auth, RateLimits* limits) {
  table.Add("POST", "/v1/auth/register", Access::kPublic, [&auth, limits](const CallPtr& call) {
    auto req = requests::Register(JsonBody::Parse(call->request()));
    std::vector<LimitCheck> checks;
    if (limits) {
      checks = {limits->PerIp(limits->policies().register_ip, call->request()),
                {&limits->policies().register_account, AccountKey(req.email())}};
    }
    AdmitOrRun(limits, call, std::move(checks), [&auth, call, req = std::move(req)]() mutable {
      auth.Register(std::move(req), call->origin(),
                    Answer<RegisterResponse>(call, 201, [](const RegisterResponse& r) {
                      return views::Session(r.user(), r.tokens());
                    }));
    });
  });

  table.Add("POST", "/v1/auth/login", Access::kPublic, [&auth, limits](const CallPtr& call) {
    auto req = requests::Login(JsonBody::Parse(call->request()));
    std::vector<LimitCheck> checks;
    if (limits) {
      checks = {limits->PerIp(limits->policies().login_ip, call->request()),
                {&limits->policies().login_account, AccountKey(req.email())}};
    }
    AdmitOrRun(limits, call, std::move(checks), [&auth, call, req = std::move(req)]() mutable {
      auth.Login(std::move(req), call->origin(),
                 Answer<LoginResponse>(call, 200, [](const LoginResponse& r) {
                   return views::Session(r.user(), r.tokens());
                 }));
    });
  });

  table.Add("POST", "/v1/auth/refresh", Access::kPublic, [&auth, limits](const CallPtr& call) {
    RefreshRequest req;
    req.set_refresh_token(requests::RefreshToken(JsonBody::Parse(call->request())));
    std::vector<LimitCheck> checks;
    if (limits) {
      checks = {limits->PerIp(limits->policies().refresh_ip, call->request()),
                {&limits->policies().refresh_token, SecretKey(req.refresh_token())}};
    }
    AdmitOrRun(limits, call, std::move(checks), [&auth, call, req = std::move(req)]() mutable {
      auth.Refresh(std::move(req), call->origin(),
                   Answer<RefreshResponse>(call, 200, [](const RefreshResponse& r) {
                     return views::Session(r.user(), r.tokens());
                   }));
    });
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
