#include "clients/auth_client.h"

namespace livedrop::gateway {

using namespace livedrop::auth::v1;

AuthClient::AuthClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout)
    : stub_(AuthService::NewStub(std::move(channel))), timeout_(timeout) {}

LIVEDROP_CLIENT_CALL(AuthClient, Register)
LIVEDROP_CLIENT_CALL(AuthClient, Login)
LIVEDROP_CLIENT_CALL(AuthClient, Refresh)
LIVEDROP_CLIENT_CALL(AuthClient, Logout)
LIVEDROP_CLIENT_CALL(AuthClient, GetUser)
LIVEDROP_CLIENT_CALL(AuthClient, GetUsers)

GetJwksResponse AuthClient::GetJwksBlocking() {
  auto ctx = rpc::NewClientContext(timeout_, rpc::CallOrigin{});
  GetJwksRequest req;
  GetJwksResponse resp;
  const auto status = stub_->GetJwks(ctx.get(), req, &resp);
  if (!status.ok()) throw rpc::FromStatus(status);
  return resp;
}

}  // namespace livedrop::gateway
