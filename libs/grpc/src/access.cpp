#include "livedrop/grpc/access.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <spdlog/spdlog.h>

#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/tls.h"

namespace livedrop::rpc {
namespace {

class AccessCheck : public ::grpc::AuthMetadataProcessor {
 public:
  explicit AccessCheck(AccessPolicy policy) : policy_(std::move(policy)) {}

  // Cheap and non-blocking: run on gRPC's own thread, before the call reaches the handler pool.
  bool IsBlocking() const override { return false; }

  ::grpc::Status Process(const InputMetadata& metadata, ::grpc::AuthContext* context,
                         OutputMetadata*, OutputMetadata*) override {
    const std::string caller = PeerName(*context);
    std::string_view path;
    bool acts_for_user = false;
    for (const auto& [key, value] : metadata) {
      const std::string_view k(key.data(), key.size());
      if (k == ":path") path = std::string_view(value.data(), value.size());
      if (k == kUserIdHeader || k == kUserRoleHeader) acts_for_user = true;
    }
    if (caller.empty()) {
      return ::grpc::Status(::grpc::StatusCode::UNAUTHENTICATED, "no client certificate");
    }
    if (acts_for_user && caller != kGatewayIdentity) {
      spdlog::warn("refused {} from {}: only {} acts for a user", path, caller, kGatewayIdentity);
      return ::grpc::Status(::grpc::StatusCode::PERMISSION_DENIED,
                            caller + " may not act for a user (only " + kGatewayIdentity + ")");
    }
    if (path.starts_with("/grpc.") || policy_.empty() || policy_.Allows(path, caller)) {
      return ::grpc::Status::OK;
    }
    spdlog::warn("refused {} from {}: not in the access policy", path, caller);
    return ::grpc::Status(::grpc::StatusCode::PERMISSION_DENIED,
                          caller + " may not call " + std::string(path));
  }

 private:
  const AccessPolicy policy_;
};

}  // namespace

AccessPolicy& AccessPolicy::Allow(std::string_view service, std::string_view method,
                                  std::initializer_list<std::string_view> callers) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  if (descriptor == nullptr || descriptor->FindMethodByName(std::string(method)) == nullptr) {
    throw Error(ErrorKind::kInternal, "access_bad_method",
                std::string(service) + " has no method " + std::string(method));
  }
  auto& allowed = callers_["/" + std::string(service) + "/" + std::string(method)];
  for (const auto caller : callers) allowed.emplace(caller);
  return *this;
}

AccessPolicy& AccessPolicy::Merge(const AccessPolicy& other) {
  for (const auto& [path, callers] : other.callers_) callers_[path].insert(callers.begin(), callers.end());
  return *this;
}

bool AccessPolicy::Allows(std::string_view path, std::string_view caller) const {
  const auto it = callers_.find(path);
  return it != callers_.end() && it->second.contains(caller);
}

std::shared_ptr<::grpc::AuthMetadataProcessor> MakeAccessCheck(AccessPolicy policy) {
  return std::make_shared<AccessCheck>(std::move(policy));
}

}  // namespace livedrop::rpc
