#include "clients/auth_client.h"

namespace livedrop::gateway {

using namespace livedrop::auth::v1;

AuthClient::AuthClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout)
    : stub_(AuthService::NewStub(std::move(channel))), timeout_(timeout) {}

#define LIVEDROP_AUTH_CALL(Method)                                                              \
  void AuthClient::Method(Method##Request req, const rpc::CallOrigin& origin,                  \
                          Done<Method##Response> done) {                                        \
    auto* stub = stub_.get();                                                                   \
    UnaryCall<Method##Request, Method##Response>(                                               \
        [stub](auto* ctx, auto* request, auto* response, auto callback) {                       \
          stub->async()->Method(ctx, request, response, std::move(callback));                   \
        },                                                                                      \
        std::move(req), origin, timeout_, std::move(done));                                     \
  }

LIVEDROP_AUTH_CALL(Register)
LIVEDROP_AUTH_CALL(Login)
LIVEDROP_AUTH_CALL(Refresh)
LIVEDROP_AUTH_CALL(Logout)
LIVEDROP_AUTH_CALL(GetUser)

#undef LIVEDROP_AUTH_CALL

GetJwksResponse AuthClient::GetJwksBlocking() {
  auto ctx = rpc::NewClientContext(timeout_, rpc::CallOrigin{});
  GetJwksRequest req;
  GetJwksResponse resp;
  const auto status = stub_->GetJwks(ctx.get(), req, &resp);
  if (!status.ok()) throw rpc::FromStatus(status);
  return resp;
}

}  // namespace livedrop::gateway
