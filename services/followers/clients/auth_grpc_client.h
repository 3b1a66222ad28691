#pragma once

#include <chrono>
#include <memory>

#include "clients/auth_port.h"

namespace grpc {
class Channel;
}

namespace livedrop::followers {

// AuthPort over livedrop.auth.v1.AuthService (GetUser).
class AuthGrpcClient final : public AuthPort {
 public:
  AuthGrpcClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);
  ~AuthGrpcClient() override;

  std::optional<Role> RoleOf(const std::string& user_id) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::followers
