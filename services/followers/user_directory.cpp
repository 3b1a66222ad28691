#include "user_directory.h"

#include "livedrop/core/error.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::followers {

UserDirectory::UserDirectory(std::shared_ptr<::grpc::Channel> auth_channel, std::size_t max_entries)
    : stub_(auth::v1::AuthService::NewStub(std::move(auth_channel))),
      roles_(max_entries, metrics::CacheEvictionCounter("user_roles")) {}

std::optional<std::string> UserDirectory::RoleOf(const std::string& user_id) {
  {
    std::lock_guard lock(mutex_);
    if (const std::string* role = roles_.Find(user_id)) return *role;
  }
  auth::v1::GetUserRequest req;
  req.set_id(user_id);
  auth::v1::GetUserResponse resp;
  auto ctx = rpc::NewClientContext(std::chrono::seconds(2));
  const auto status = stub_->GetUser(ctx.get(), req, &resp);
  if (status.error_code() == ::grpc::StatusCode::NOT_FOUND) return std::nullopt;
  if (!status.ok()) throw rpc::FromStatus(status);
  std::string role;
  switch (resp.user().role()) {
    case auth::v1::ROLE_CREATOR: role = "creator"; break;
    case auth::v1::ROLE_BUYER: role = "buyer"; break;
    case auth::v1::ROLE_ADMIN: role = "admin"; break;
    default: role = "unknown";
  }
  std::lock_guard lock(mutex_);
  roles_.Put(user_id, role);
  return role;
}

}  // namespace livedrop::followers
