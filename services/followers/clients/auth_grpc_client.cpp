#include "clients/auth_grpc_client.h"

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"

namespace livedrop::followers {
namespace {

Role FromProto(auth::v1::Role role) {
  switch (role) {
    case auth::v1::ROLE_CREATOR:
      return Role::kCreator;
    case auth::v1::ROLE_BUYER:
      return Role::kBuyer;
    case auth::v1::ROLE_ADMIN:
      return Role::kAdmin;
    default:
      return Role::kOther;
  }
}

}  // namespace

struct AuthGrpcClient::Stub {
  std::unique_ptr<auth::v1::AuthService::Stub> stub;
};

AuthGrpcClient::AuthGrpcClient(std::shared_ptr<::grpc::Channel> channel,
                               std::chrono::milliseconds timeout)
    : stub_(std::make_unique<Stub>(Stub{auth::v1::AuthService::NewStub(std::move(channel))})),
      timeout_(timeout) {}

AuthGrpcClient::~AuthGrpcClient() = default;

std::optional<Role> AuthGrpcClient::RoleOf(const std::string& user_id) {
  auth::v1::GetUserRequest req;
  req.set_id(user_id);
  auth::v1::GetUserResponse resp;
  auto ctx = rpc::NewClientContext(timeout_);
  const auto status = stub_->stub->GetUser(ctx.get(), req, &resp);
  if (status.error_code() == ::grpc::StatusCode::NOT_FOUND) return std::nullopt;
  if (!status.ok()) throw rpc::FromStatus(status);
  return FromProto(resp.user().role());
}

}  // namespace livedrop::followers
